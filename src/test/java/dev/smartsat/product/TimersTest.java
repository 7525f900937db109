package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the products' timers fall due. */
class TimersTest {
    static final Instant T0 = Instant.parse("2027-01-01T00:00:00Z");

    static ProductState registeredAt(Profile profile) {
        ProductState state = new ProductState();
        state.profile = profile;
        state.certIssuedAt = T0;
        state.lastAuthorized = T0;
        state.lastUsageReport = T0;
        return state;
    }

    @Test
    void anExpresswayReportsUsageEverySixHoursAWebexServerAuthorizesEveryThirtyDays() {
        assertEquals(T0.plus(Duration.ofHours(6)), Timers.nextDue(registeredAt(Profile.EXPRESSWAY), true));
        assertEquals(T0.plus(Duration.ofDays(30)), Timers.nextDue(registeredAt(Profile.WEBEX_MEETINGS_SERVER), true));
    }

    @Test
    void theIdCertificateIsRenewedAfter180Days() {
        ProductState state = registeredAt(Profile.WEBEX_MEETINGS_SERVER);
        state.lastAuthorized = T0.plus(Duration.ofDays(170));
        assertEquals(T0.plus(Duration.ofDays(180)), Timers.nextDue(state, true));
    }

    @Test
    void aPendingRegistrationIsRetriedAndAnUnregisteredProductHasNoTimer() {
        ProductState state = registeredAt(Profile.EXPRESSWAY);
        assertNull(Timers.nextDue(state, false));
        state.pending = new ProductState.Pending("t", false, T0.plus(Timers.RETRY));
        assertEquals(T0.plus(Duration.ofMinutes(15)), Timers.nextDue(state, false));
    }

    @Test
    void aFailedReportIsRetriedIn15Minutes() {
        ProductState state = registeredAt(Profile.WEBEX_MEETINGS_SERVER);
        state.reportRetryAt = T0.plus(Duration.ofMinutes(15));
        assertEquals(T0.plus(Duration.ofMinutes(15)), Timers.nextDue(state, true));
    }
}
