package dev.smartsat.store;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's writes: each one its own SERIALIZABLE transaction on a connection of a small pool, several at
 * once within the node and across nodes, run again from the start when PostgreSQL refuses it as a
 * serialization failure (SQLState 40001) or deadlock victim (40P01), or once when its connection died before the
 * commit (the database restarted); a database that stays away is {@link DatabaseUnavailable}.
 *
 * <p>Why SERIALIZABLE and not READ COMMITTED with {@code SELECT … FOR UPDATE}: the domain's writes were written
 * for SQLite's one writer, where every write sees all earlier ones and none concurrent (read a pool's usage, then
 * decide; take MAX(queue_position) + 1; look an instance up by UDI, then insert it). Serializable transactions
 * keep exactly that promise (the outcome is that of some one-at-a-time order) for every such read-then-write,
 * those written so far and those to come, without a lock to remember in each. The price is a transaction run
 * twice now and then, so {@code work} must not act outside the database before it returns: the domain's work
 * only reads and writes rows (and issues certificates, which a second run issues anew), and its caches, mail
 * and nudges act after the write. What serializability does not cover is a decision taken in a read and
 * written in a later write; there the unique keys hold (an alert's active key, nonces, UDIs, piids), and the
 * unconditional atomic updates ({@code uses = uses + 1 WHERE uses < max_uses}) hold at any level. Most retries
 * come from many devices using one token or pool at once; deadlocks are avoided by taking rows in one order
 * (a transfer updates its two pools by id), since PostgreSQL only detects one after deadlock_timeout.
 *
 * <p>SQLite keeps {@link GroupCommitWriter}: one writer is all it allows, and batching its commits is what makes
 * it fast. PostgreSQL commits concurrent transactions in parallel, so a batch would only widen the window in
 * which two nodes' transactions conflict and make a conflict undo hundreds of writes instead of one.
 */
final class SerializableWrites {
    private static final Logger log = LoggerFactory.getLogger(SerializableWrites.class);
    /** Enough for a storm of devices on one token: each round of a conflict lets at least one through. */
    static final int MAX_ATTEMPTS = 50;
    private static final long MAX_BACKOFF_MS = 50;

    private final Connections connections;
    private final ThreadLocal<Tx> current = new ThreadLocal<>();
    private final LongAdder retries = new LongAdder();

    SerializableWrites(Connections connections) {
        this.connections = connections;
    }

    <T, X extends Exception> T write(List<String> lanes, Tx.Work<T, X> work) throws X {
        Tx inside = current.get();
        if (inside != null) {
            return work.run(inside); // a write made by a write joins its transaction
        }
        boolean reconnected = false;
        for (int attempt = 1; ; attempt++) {
            Connections.Slot slot = connections.borrow();
            Throwable failure = null;
            current.set(slot.tx());
            boolean queued = !lanes.isEmpty();
            try {
                enter(slot.handle(), lanes);
                return slot.handle().inTransaction(h -> work.run(slot.tx()));
            } catch (Exception e) {
                failure = e;
                boolean lost = Connections.lost(e);
                // A connection that died before COMMIT was sent took the whole transaction with it: once, the write
                // runs again on a new one (the database restarted, say). A failed COMMIT may have committed: never.
                boolean again = lost ? !reconnected && !(e instanceof TransactionException) : Dialect.retryable(e);
                if (attempt >= MAX_ATTEMPTS || !again) {
                    throw lost ? new DatabaseUnavailable(e) : GroupCommitWriter.<X>rethrow(e);
                }
                if (lost) {
                    reconnected = true;
                    log.info("a write lost its database connection and runs again on a new one: {}", Store.oneLine(e));
                } else {
                    retries.increment();
                    log.debug("a write lost a race to a concurrent one (attempt {}): {}", attempt, e.getMessage());
                }
            } finally {
                current.remove();
                if (queued) {
                    failure = leave(slot.handle(), failure);
                }
                connections.release(slot, failure);
            }
            backOff(attempt);
        }
    }

    /**
     * Waits for the lanes, in one order so two writes never hold one each while waiting for the other: a session
     * advisory lock per lane, taken before the transaction begins, so its snapshot already holds the work of the
     * write that went before (taken inside, the snapshot would predate the wait, and the write would fail
     * anyway). Locks are held by the connection, across nodes, and die with it.
     */
    private static void enter(Handle handle, List<String> lanes) {
        long[] keys = lanes.stream().mapToLong(SerializableWrites::laneKey).sorted().distinct().toArray();
        for (long key : keys) {
            // The function returns void, which Jdbi cannot map: count its one row instead.
            handle.createQuery("SELECT count(*) FROM (SELECT pg_advisory_lock(:key)) AS queued").bind("key", key)
                    .mapTo(Long.class).one();
        }
    }

    /** Leaves every lane (a connection that died took its locks with it); a failure to leave closes the connection. */
    private static Throwable leave(Handle handle, Throwable failure) {
        try {
            handle.createQuery("SELECT count(*) FROM (SELECT pg_advisory_unlock_all()) AS left_lanes").mapTo(Long.class).one();
            return failure;
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
                return failure;
            }
            return e;
        }
    }

    /** A lane's 64-bit lock key; the prefix keeps them apart from any other advisory lock on the database. */
    static long laneKey(String lane) {
        return UUID.nameUUIDFromBytes(("smartsat-lane:" + lane).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
    }

    /** A random wait that grows with the attempts, so the transactions that collided do not collide again. */
    private static void backOff(int attempt) {
        long bound = Math.min(MAX_BACKOFF_MS, 1L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a write", e);
        }
    }

    /** How many writes ran again after a serialization failure or deadlock, since the start. */
    long retries() {
        return retries.sum();
    }
}
