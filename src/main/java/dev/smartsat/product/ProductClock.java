package dev.smartsat.product;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The product's time: the satellite's clock as the product last learned it, set explicitly. A scenario runner moves
 * it with the satellite's simulated clock; a one-shot command sets it from the satellite's {@code /health}. Held still
 * in between, so a timer fires at exactly the instant it was due.
 */
final class ProductClock extends Clock {
    private volatile Instant now;

    ProductClock(Instant now) {
        this.now = now;
    }

    void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
