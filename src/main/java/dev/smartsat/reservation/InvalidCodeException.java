package dev.smartsat.reservation;

/** A reservation code that cannot be used; the message tells the person who typed it what is wrong. */
public final class InvalidCodeException extends RuntimeException {
    public InvalidCodeException(String message) {
        super(message, null, false, false);
    }
}
