package dev.smartsat.core;

/**
 * A device request the satellite refuses for a reason of the licensing domain; the transport turns
 * the reason into its message code and HTTP status.
 */
public final class DeviceRefusal extends RuntimeException {
    /** The domain's reasons; each has a same-named SPEC §3 message code ({@code MessageCode.of}). */
    public enum Reason {
        TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED, TOKEN_EXHAUSTED,
        INSTANCE_EXISTS, INSTANCE_UNKNOWN, REGISTRATION_EXPIRED, CERT_REVOKED, REPLAYED_NONCE, MALFORMED
    }

    private final Reason reason;

    public DeviceRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
