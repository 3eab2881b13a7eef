package net.sovereignbridge.app.config;

/** Configuration that cannot be used; the message names the file, line and key. Exit code 2. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
