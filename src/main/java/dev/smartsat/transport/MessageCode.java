package dev.smartsat.transport;

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
}
