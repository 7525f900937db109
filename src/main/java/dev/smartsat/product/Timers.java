package dev.smartsat.product;

import java.time.Duration;
import java.time.Instant;

/** The products' licensing timers, as their documents give them, and when the next one is due for a state. */
final class Timers {
    /** 003:660 "The product instance reattempts to register at 15-minute intervals." */
    static final Duration RETRY = Duration.ofMinutes(15);
    /** 003:833 "This registration period is automatically renewed every 6 months"; 000:319; SPEC: 180 days. */
    static final Duration RENEWAL = Duration.ofDays(180);
    /** 003:791 "The license authorization is renewed automatically every 30 days"; 000:330. */
    static final Duration AUTHORIZATION = Duration.ofDays(30);
    /** 003:619 license usage "is auto-updated every 6 hours" (Expressway only). */
    static final Duration USAGE_REPORT = Duration.ofHours(6);
    /** 003:465 "a 90-day evaluation period"; 000:11 "90-day Evaluation Mode". */
    static final Duration EVALUATION = Duration.ofDays(90);
    /** A renewal the satellite refused outright is asked again a day later rather than every 15 minutes. */
    static final Duration REFUSED_RENEWAL_RETRY = Duration.ofDays(1);

    private Timers() {
    }

    /** When the ID certificate is next renewed: 180 days after issue, or the retry of a failed renewal. */
    static Instant renewalDue(ProductState state) {
        return state.renewRetryAt != null ? state.renewRetryAt : state.certIssuedAt.plus(RENEWAL);
    }

    /**
     * The next instant a timer is due, or null when none runs: the pending registration's retry, else — registered —
     * the earlier of the renewal and the next report (authorization every 30 days, Expressway usage every 6 hours,
     * or the retry of a failed one).
     */
    static Instant nextDue(ProductState state, boolean smartRegistered) {
        if (state.pending != null) {
            return state.pending.nextAttempt();
        }
        if (!smartRegistered) {
            return null;
        }
        Instant report = state.reportRetryAt;
        if (report == null) {
            report = state.lastAuthorized.plus(AUTHORIZATION);
            Instant usage = state.lastUsageReport.plus(USAGE_REPORT);
            if (state.profile == Profile.EXPRESSWAY && usage.isBefore(report)) {
                report = usage;
            }
        }
        Instant renewal = renewalDue(state);
        return renewal.isBefore(report) ? renewal : report;
    }
}
