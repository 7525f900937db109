package dev.smartsat.sync;

import dev.smartsat.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Connected sync's lease (SPEC §10: connected sync runs on exactly one node per interval): of the nodes sharing a
 * database, only the one holding it may run a scheduled sync. It is a row taken by one conditional upsert, so it
 * works alike on SQLite and PostgreSQL, and it expires by itself, so a node that dies holding it blocks the others
 * for at most {@link #TERM}. Its time is the wall clock: moving the simulated clock back must not leave a lease
 * that ends years away.
 */
final class SyncLease {
    static final String NAME = "connected-sync";
    /**
     * Longer than the longest sync: a token request and the sync request, each up to {@link UpstreamLink}'s
     * 2-minute timeout after a 10-second connect, plus making the request and applying the response.
     */
    static final Duration TERM = Duration.ofMinutes(10);

    private final Store store;
    private final Clock wall;
    private final String holder;

    SyncLease(Store store, Clock wall) {
        this(store, wall, "node-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    SyncLease(Store store, Clock wall, String holder) {
        this.store = store;
        this.wall = wall;
        this.holder = holder;
    }

    /** Takes the lease for {@link #TERM} if no other node holds it; whether this node holds it now. */
    boolean take() {
        Instant now = wall.instant();
        return store.write(tx -> tx.leases().take(NAME, holder, now, now.plus(TERM))) == 1;
    }

    /** Gives the lease back, so the next interval's sync may run on any node. */
    void release() {
        store.write(tx -> tx.leases().release(NAME, holder));
    }
}
