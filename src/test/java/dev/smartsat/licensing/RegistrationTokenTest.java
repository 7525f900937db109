package dev.smartsat.licensing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.core.RegistrationToken;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The status rules of a registration token, in order: revoked, expired, exhausted, active. */
class RegistrationTokenTest {
    private static final Instant CREATED = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant EXPIRES = Instant.parse("2026-12-01T00:00:00Z");

    private static RegistrationToken token(Long maxUses, long uses, Instant revokedAt) {
        return new RegistrationToken(1, 1, "t", null, CREATED, EXPIRES, true, maxUses, uses, revokedAt);
    }

    @Test
    void statuses() {
        Instant before = EXPIRES.minusSeconds(1);
        assertEquals(RegistrationToken.Status.ACTIVE, token(null, 1000, null).status(before));
        assertEquals(RegistrationToken.Status.ACTIVE, token(5L, 4, null).status(before));
        assertEquals(RegistrationToken.Status.EXHAUSTED, token(5L, 5, null).status(before));
        assertEquals(RegistrationToken.Status.EXPIRED, token(5L, 0, null).status(EXPIRES));
        assertEquals(RegistrationToken.Status.EXPIRED, token(5L, 5, null).status(EXPIRES.plusSeconds(1)));
        assertEquals(RegistrationToken.Status.REVOKED, token(5L, 5, CREATED).status(EXPIRES.plusSeconds(1)));
    }
}
