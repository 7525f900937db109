package dev.smartsat.core;

import java.time.Instant;

/** A product instance registration token of a virtual account. */
public record RegistrationToken(
        long id,
        long virtualAccountId,
        String token,
        String description,
        Instant createdAt,
        Instant expiresAt,
        boolean exportControlled,
        Long maxUses,
        long uses,
        Instant revokedAt) {

    /** The token's lifecycle states; only ACTIVE tokens register devices. */
    public enum Status { ACTIVE, EXPIRED, REVOKED, EXHAUSTED }

    /** The status at {@code now}: revocation first, then expiry, then use count. */
    public Status status(Instant now) {
        if (revokedAt != null) {
            return Status.REVOKED;
        }
        if (!now.isBefore(expiresAt)) {
            return Status.EXPIRED;
        }
        if (maxUses != null && uses >= maxUses) {
            return Status.EXHAUSTED;
        }
        return Status.ACTIVE;
    }
}
