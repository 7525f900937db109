package dev.smartsat.agent;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device's idea of the time: its local clock plus the offset to the satellite's clock it last learned.
 * A satellite under a simulated clock may be days ahead of the wall clock; devices follow it, like a product
 * whose NTP source is the satellite, so timestamps pass the satellite's 1-hour window and lapses line up.
 */
public final class DeviceClock {
    private final Clock local;
    private final AtomicLong offsetMillis;

    public DeviceClock(Clock local, long offsetMillis) {
        this.local = local;
        this.offsetMillis = new AtomicLong(offsetMillis);
    }

    public static DeviceClock system() {
        return new DeviceClock(Clock.systemUTC(), 0);
    }

    public long nowMillis() {
        return local.millis() + offsetMillis.get();
    }

    public Instant now() {
        return Instant.ofEpochMilli(nowMillis());
    }

    public long offsetMillis() {
        return offsetMillis.get();
    }

    public void setOffsetMillis(long offset) {
        offsetMillis.set(offset);
    }

    /** Adopts {@code serverTime} as "now" (from a STALE_TIMESTAMP or HELLO answer). */
    public void learn(Instant serverTime) {
        offsetMillis.set(serverTime.toEpochMilli() - local.millis());
    }
}
