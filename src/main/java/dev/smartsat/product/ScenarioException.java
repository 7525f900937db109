package dev.smartsat.product;

/** A scenario file that cannot be run: malformed, or a key or value that is not allowed, named by step and key. */
public final class ScenarioException extends Exception {
    public ScenarioException(String message) {
        super(message);
    }
}
