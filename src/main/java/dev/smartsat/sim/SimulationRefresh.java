package dev.smartsat.sim;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's simulated clock and injected faults at what the database holds, so that a {@code PUT /sim/clock}
 * or {@code POST /sim/faults} answered by any node reaches every node (SPEC §10) within {@link #PERIOD} and the
 * time one read takes.
 *
 * <p>Why a poll and not a notification: the store offers no change feed on SQLite, and on PostgreSQL LISTEN/NOTIFY
 * would need a connection held open outside the pool and a poll anyway to cover a notice lost while it reconnects.
 * Two primary-key reads of one-row tables every half second cost a node nothing measurable (a device message
 * makes several), and keep the device hot path free of any read for them: requests read the clock and the rules
 * from memory.
 */
public final class SimulationRefresh implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulationRefresh.class);
    /** Half of the ~1 s within which SPEC §10's "moves all of them" should show on another node. */
    public static final Duration PERIOD = Duration.ofMillis(500);

    private final ClockControl clock;
    /** Null when this node's simulation controls are off: it neither shows nor suffers injected faults. */
    private final Faults faults;
    private final ScheduledExecutorService scheduler;
    /** Whether the last scheduled refresh failed: a database away for a while is logged once, not twice a second. */
    private boolean failing;

    public SimulationRefresh(ClockControl clock, Faults faults) {
        this.clock = clock;
        this.faults = faults;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smartsat-simulation-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reads both once now (a start applies the stored state before it serves), then every {@code period}. */
    public SimulationRefresh start(Duration period) {
        refresh();
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** One refresh of the clock and the faults. */
    public void refresh() {
        clock.refresh();
        if (faults != null) {
            faults.refresh();
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (failing) {
                failing = false;
                log.info("reading the shared simulated clock and faults works again");
            }
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next period tries again, and the node keeps its last state.
            if (!failing) {
                failing = true;
                log.warn("reading the shared simulated clock and faults failed (retried every {} ms): {}",
                        PERIOD.toMillis(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
