package dev.smartsat.config;

/** A setting that cannot be used; its message says which and why, for the person starting SmartSat. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
