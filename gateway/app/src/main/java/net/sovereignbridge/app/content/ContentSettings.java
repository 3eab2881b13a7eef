package net.sovereignbridge.app.content;

import net.sovereignbridge.app.config.ConfigException;
import net.sovereignbridge.app.config.ConfigNode;

/**
 * The {@code content.*} configuration keys (docs/configuration.md, "content").
 *
 * @param quotaBytes the most bytes of blocks the store holds, pinned or not
 */
public record ContentSettings(long quotaBytes) {
    public static final long DEFAULT_QUOTA = 1L << 30;

    public static ContentSettings defaults() {
        return new ContentSettings(DEFAULT_QUOTA);
    }

    public static ContentSettings read(ConfigNode content) throws ConfigException {
        long quota = content.integer("quota-bytes", DEFAULT_QUOTA, 0, 1L << 40);
        return new ContentSettings(quota);
    }
}
