package net.sovereignbridge.app.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import net.sovereignbridge.fuzz.AllocationLimit;

/**
 * The YAML configuration: parsing and every section's reading, as the daemon does at start. Host names
 * in it are never looked up: the fuzz JVM resolves from an empty hosts file (jdk.net.hosts.file).
 */
class ConfigFuzzTest {
    @FuzzTest
    void config(@NotNull String input) {
        try {
            ConfigNode root = ConfigNode.parse("fuzz.yaml", input);
            GatewayConfig.read(root, null, GatewayConfig.Role.GATEWAY);
        } catch (ConfigException e) {
            AllocationLimit.assertExplained(e);
            if (!e.getMessage().startsWith("fuzz.yaml")) throw new AssertionError("error does not name the file: " + e.getMessage(), e);
        }
    }
}
