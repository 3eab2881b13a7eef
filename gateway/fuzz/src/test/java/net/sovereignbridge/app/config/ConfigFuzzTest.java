package net.sovereignbridge.app.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The YAML configuration: parsing and every section's reading, as the daemon does at start. Host names
 * in it are never looked up: the fuzz JVM resolves from an empty hosts file (jdk.net.hosts.file).
 */
class ConfigFuzzTest {
    /** SnakeYAML's fixed cost per document (reader buffers, resolver tables): about 0.5 MB measured. */
    private static final long YAML_BASE = 2L * 1024 * 1024;

    @FuzzTest
    void config(@NotNull String input) {
        try {
            ConfigNode root = AllocationLimit.check("ConfigNode.parse", YAML_BASE + 256L * input.length(), () -> ConfigNode.parse("fuzz.yaml", input));
            GatewayConfig.read(root, null, GatewayConfig.Role.GATEWAY);
        } catch (ConfigException e) {
            AllocationLimit.assertExplained(e);
            if (!e.getMessage().startsWith("fuzz.yaml")) throw new AssertionError("error does not name the file: " + e.getMessage(), e);
        }
    }
}
