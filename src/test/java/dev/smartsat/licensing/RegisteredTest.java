package dev.smartsat.licensing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.core.ProductInstance;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The domain, not the transport, says when a device should renew its ID certificate. */
class RegisteredTest {
    @Test
    void renewalIsAdvised180DaysAfterTheCertificateWasIssuedWellBeforeTheRegistrationLapses() {
        Instant issued = Instant.parse("2026-01-15T10:00:00Z");
        ProductInstance instance = new ProductInstance(1, "6ca07f56-145c-4ace-bdc2-40417fd49d47", 1, "C9300-24UX",
                "FCW1", null, null, null, false, issued, issued, "ab", "key", issued,
                issued.plus(Registrations.REGISTRATION_LIFETIME), null, null, null, null);
        var done = new Registrations.Registered(instance, null, "Example Corp", "Default");
        assertEquals(Instant.parse("2026-07-14T10:00:00Z"), done.nextRenewalAttempt());
        assertTrue(done.nextRenewalAttempt().isBefore(instance.registrationExpiresAt()));
    }
}
