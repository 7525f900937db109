package dev.smartsat.transport;

import dev.smartsat.core.DeviceRefusal;

/** Failure codes of /SmartTransport with their HTTP statuses (SPEC §3); OK_TRY_AGAIN is a status of its own. */
public enum MessageCode {
    MALFORMED(400),
    BAD_SIGNATURE(401),
    STALE_TIMESTAMP(401),
    REPLAYED_NONCE(401),
    TOKEN_INVALID(403),
    TOKEN_EXPIRED(403),
    TOKEN_REVOKED(403),
    TOKEN_EXHAUSTED(403),
    INSTANCE_EXISTS(409),
    INSTANCE_UNKNOWN(404),
    REGISTRATION_EXPIRED(403),
    CERT_REVOKED(403),
    TOO_LARGE(413);

    private final int httpStatus;

    MessageCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The code a domain refusal is answered with. A switch expression without a default, so a new reason
     * without a code fails to compile rather than at run time.
     */
    public static MessageCode of(DeviceRefusal.Reason reason) {
        return switch (reason) {
            case TOKEN_INVALID -> MessageCode.TOKEN_INVALID;
            case TOKEN_EXPIRED -> MessageCode.TOKEN_EXPIRED;
            case TOKEN_REVOKED -> MessageCode.TOKEN_REVOKED;
            case TOKEN_EXHAUSTED -> MessageCode.TOKEN_EXHAUSTED;
            case INSTANCE_EXISTS -> MessageCode.INSTANCE_EXISTS;
            case INSTANCE_UNKNOWN -> MessageCode.INSTANCE_UNKNOWN;
            case REGISTRATION_EXPIRED -> MessageCode.REGISTRATION_EXPIRED;
            case CERT_REVOKED -> MessageCode.CERT_REVOKED;
            case REPLAYED_NONCE -> MessageCode.REPLAYED_NONCE;
            case MALFORMED -> MessageCode.MALFORMED;
        };
    }
}
