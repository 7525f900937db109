package dev.smartsat.sync;

import dev.smartsat.config.Settings;
import dev.smartsat.core.SyncState;
import dev.smartsat.sim.Faults;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connected mode (SPEC §8): synchronizes over the network every {@code upstream.interval} of the server
 * clock, and on demand. A daemon thread looks once a second whether the next sync is due by the server
 * clock, so moving the simulated clock past it starts one. One sync runs at a time; a failed one is
 * recorded and retried at the next interval. Of several nodes on one database (SPEC §10), one runs each
 * interval's sync: the node holding the {@link SyncLease}, and only if no node has synced within the interval
 * (the stored sync state says when the last one was). {@code POST /sync/now} runs on the node asked.
 */
public final class ConnectedSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectedSync.class);
    static final long TICK_MILLIS = 1000;
    /** How soon a scheduled sync that could not reach the database for its lease is tried again. */
    static final Duration LEASE_RETRY = Duration.ofMinutes(1);

    private final SatelliteSync sync;
    private final SyncLease lease;
    private final UpstreamLink link;
    private final Faults faults;
    private final Clock clock;
    private final Duration interval;
    private final ReentrantLock running = new ReentrantLock();
    private final ScheduledExecutorService scheduler;
    private volatile Instant next;

    /** {@code maxBytes} is {@code sync.max_bytes}, the largest sync response taken. */
    public ConnectedSync(SatelliteSync sync, Settings.Upstream upstream, long maxBytes, Faults faults, Clock clock) {
        this(sync, new SyncLease(sync.store(), Clock.systemUTC()), upstream, maxBytes, faults, clock);
    }

    ConnectedSync(SatelliteSync sync, SyncLease lease, Settings.Upstream upstream, long maxBytes, Faults faults,
                  Clock clock) {
        this.sync = sync;
        this.lease = lease;
        this.link = new UpstreamLink(upstream, maxBytes);
        this.faults = faults;
        this.clock = clock;
        this.interval = Duration.parse(upstream.interval());
        SyncState state = sync.state();
        Instant last = later(state.lastSuccess(), state.lastFailure());
        Instant now = clock.instant();
        // A sync missed while the server was down is due at once; a first one after a full interval.
        this.next = last == null ? now.plus(interval) : last.plus(interval);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smartsat-sync");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the schedule. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** When the next scheduled sync is due, by the server clock. */
    public Instant nextScheduled() {
        return next;
    }

    /** Synchronizes now, waiting for a sync already under way; whether this one succeeded. */
    public boolean syncNow() {
        running.lock();
        try {
            return attempt();
        } finally {
            running.unlock();
        }
    }

    void tick() {
        try {
            Instant now = clock.instant();
            if (next.isAfter(now.plus(interval))) {
                next = now.plus(interval); // the clock was moved back: do not wait for the old date
            }
            if (now.isBefore(next) || !running.tryLock()) {
                return;
            }
            try {
                if (!clock.instant().isBefore(next)) {
                    scheduled();
                }
            } finally {
                running.unlock();
            }
        } catch (RuntimeException e) {
            log.warn("the scheduled sync failed unexpectedly: {}", e.toString());
        }
    }

    /**
     * A due sync, if this node gets the lease (else another node is syncing: the next tick looks again) and no
     * node synced within the interval; then this node's schedule moves to that node's sync. Holds {@link #running}.
     */
    private void scheduled() {
        boolean held;
        try {
            held = lease.take();
        } catch (RuntimeException e) {
            // The database is away: try again in a while, not at every tick (and not a line a second in the log).
            Duration wait = interval.compareTo(LEASE_RETRY) < 0 ? interval : LEASE_RETRY;
            next = clock.instant().plus(wait);
            log.warn("the scheduled sync waits {} s: its lease cannot be taken ({})", wait.toSeconds(), e.toString());
            return;
        }
        if (!held) {
            return;
        }
        try {
            // Read under the lease: a node that synced has recorded its outcome before it gave the lease back.
            SyncState state = sync.state();
            Instant last = later(state.lastSuccess(), state.lastFailure());
            Instant now = clock.instant();
            if (last != null && !last.isAfter(now) && now.isBefore(last.plus(interval))) {
                next = last.plus(interval);
                return;
            }
            attempt();
        } finally {
            lease.release();
        }
    }

    /** One network sync; every outcome is recorded by {@link SatelliteSync}. Holds {@link #running}. */
    private boolean attempt() {
        try {
            return exchange();
        } finally {
            next = clock.instant().plus(interval);
        }
    }

    private boolean exchange() {
        SatelliteSync.RequestFile request;
        try {
            request = sync.newRequest(true);
        } catch (RuntimeException e) {
            sync.recordFailure(SatelliteSync.Via.NETWORK, "the sync request could not be made: " + e.getMessage());
            return false;
        }
        InputStream answer;
        try (request) {
            Faults.Decision fault = faults.upstream();
            if (fault.delayMs() > 0) {
                Thread.sleep(fault.delayMs());
            }
            if (fault.fail()) {
                sync.recordFailure(SatelliteSync.Via.NETWORK, "injected upstream fault (POST /sim/faults): the"
                        + " upstream answered sync request " + request.sequence() + " with HTTP " + fault.status());
                return false;
            }
            answer = link.exchange(request);
        } catch (UpstreamLink.Failure e) {
            sync.recordFailure(SatelliteSync.Via.NETWORK, e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sync.recordFailure(SatelliteSync.Via.NETWORK, "interrupted while waiting for the upstream (shutting down)");
            return false;
        }
        try {
            sync.importResponse(answer, SatelliteSync.Via.NETWORK);
            return true;
        } catch (RuntimeException e) {
            return false; // recorded as a failure by importResponse
        }
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("the sync thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
