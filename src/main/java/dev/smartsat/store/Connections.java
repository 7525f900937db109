package dev.smartsat.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of long-lived connections, each opened when first needed and kept with its Jdbi handle and its
 * {@link Tx} (so DAOs are attached once per connection, not per use), lent to one thread at a time. A connection
 * that failed and no longer answers (the database restarted, the network dropped) is closed and a new one opened
 * at its next loan, so the store recovers without a restart of the server; once one connection is found dead,
 * every other is checked before its next loan, since they most likely died with it. A pool library would reopen
 * connections too, but would hand out a bare connection each time and cost the handle and DAO setup on every loan.
 */
final class Connections implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Connections.class);
    private static final long BORROW_TIMEOUT_SECONDS = 30;

    /** One connection of the set; {@code tx} is null while it is closed and waits to be opened again. */
    static final class Slot {
        private Tx tx;
        /** The {@link #suspicion} this connection was last known good at. */
        private long checked;
        /** Whether a connection was ever opened here: a new one is then a reconnection. */
        private boolean opened;

        Tx tx() {
            return tx;
        }

        Handle handle() {
            return tx.handle();
        }
    }

    private final String what;
    private final Supplier<Tx> open;
    /** Counts connections found dead; shared by the store's sets, as readers and writers die together. */
    private final AtomicLong suspicion;
    private final BlockingQueue<Slot> idle;
    private final List<Slot> all = new ArrayList<>();

    /**
     * Room for {@code size} connections, each opened on its first loan: a node that is never busy holds few
     * (PostgreSQL forks a process per connection), and a start does not wait for them.
     */
    Connections(String what, int size, AtomicLong suspicion, Supplier<Tx> open) {
        this.what = what;
        this.open = open;
        this.suspicion = suspicion;
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            Slot slot = new Slot();
            all.add(slot);
            idle.add(slot);
        }
    }

    /** A connection for the calling thread alone, until {@link #release}; {@link DatabaseUnavailable} if none opens. */
    Slot borrow() {
        Slot slot;
        try {
            slot = idle.poll(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a database connection", e);
        }
        if (slot == null) {
            throw new IllegalStateException("no database " + what + " connection became free within "
                    + BORROW_TIMEOUT_SECONDS + " s");
        }
        long now = suspicion.get();
        if (slot.tx != null && slot.checked < now && !answers(slot.tx.handle())) {
            discard(slot);
        }
        slot.checked = now;
        if (slot.tx == null) {
            try {
                slot.tx = open.get();
                if (slot.opened) {
                    log.info("a database {} connection was opened again", what);
                }
                slot.opened = true;
            } catch (RuntimeException e) {
                idle.add(slot);
                throw new DatabaseUnavailable(e);
            }
        }
        return slot;
    }

    /**
     * Gives the connection back. After a failure of the database's ({@code failure} null when none), the
     * connection is checked, and closed to be opened anew when it no longer answers.
     */
    void release(Slot slot, Throwable failure) {
        if (slot.tx != null && (lost(failure) || unexplained(failure) && !answers(slot.tx.handle()))) {
            log.warn("a database {} connection stopped answering; it is opened again at its next use", what);
            discard(slot);
            suspicion.incrementAndGet();
        }
        idle.add(slot);
    }

    /**
     * The failure is the connection's, not the statement's: it broke (SQLState class 08) or the server ended it
     * (57P01 shutdown, 57P02 crash, 57P03 not accepting connections yet).
     */
    static boolean lost(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof DatabaseUnavailable) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A driver failure without an SQLState: maybe the connection's, which only asking it tells. */
    private static boolean unexplained(Throwable failure) {
        boolean sql = false;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException e) {
                if (e.getSQLState() != null) {
                    return false;
                }
                sql = true;
            }
        }
        return sql;
    }

    private static boolean answers(Handle handle) {
        try {
            return handle.getConnection().isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    private static void discard(Slot slot) {
        closeQuietly(slot.tx.handle());
        slot.tx = null;
    }

    private static void closeQuietly(Handle handle) {
        try {
            handle.close();
        } catch (RuntimeException e) {
            log.debug("closing a database connection failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        for (Slot slot : all) {
            if (slot.tx != null) {
                discard(slot);
            }
        }
    }
}
