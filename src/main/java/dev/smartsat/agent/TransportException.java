package dev.smartsat.agent;

/**
 * The satellite could not be asked, or its answer cannot be believed: unlike a FAILED answer, nothing the
 * satellite said is known, so the device changes nothing but its record of the failure.
 */
public final class TransportException extends Exception {
    /** Why no trustworthy answer arrived. */
    public enum Kind {
        /** Connection, TLS or timeout: the request may not have reached the satellite. */
        UNREACHABLE,
        /** The answer is not a SmartTransport envelope at all (a wrong URL, a proxy's error page). */
        NOT_AN_ENVELOPE,
        /** A signed answer that fails a check: signature, key_id, nonce or certificate chain. */
        UNTRUSTED
    }

    private final Kind kind;

    public TransportException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public TransportException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
