package dev.smartsat.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Leases and locks between the nodes that share a database (SPEC §10): portable SQL, one row per name, so the same
 * statements serialise the nodes on SQLite and on PostgreSQL.
 */
public interface LeaseDao {
    /** The lock each first-start step (seeding, the bootstrap admin) takes before it looks whether it was done. */
    String FIRST_START = "first-start";
    /** The lock an alert evaluation takes before it writes what it raised and cleared. */
    String ALERTS = "alerts";

    /** Who holds a lease, and until when (wall clock). */
    record Lease(String holder, Instant expiresAt) {}

    /**
     * Takes lease {@code name} for {@code holder} until {@code until} if it is free (never taken, or expired at
     * {@code now}) or {@code holder}'s already (then it is extended): 1 if taken, 0 if another holder has it.
     */
    @SqlUpdate("INSERT INTO node_lease (name, holder, expires_at) VALUES (:name, :holder, :until)"
            + " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
            + " WHERE node_lease.expires_at <= :now OR node_lease.holder = excluded.holder")
    int take(@Bind("name") String name, @Bind("holder") String holder, @Bind("now") Instant now,
             @Bind("until") Instant until);

    /** Gives a lease back at once, if {@code holder} still has it: 1 if it did. */
    @SqlUpdate("UPDATE node_lease SET expires_at = 0 WHERE name = ? AND holder = ?")
    int release(String name, String holder);

    @SqlQuery("SELECT holder, expires_at FROM node_lease WHERE name = ?")
    Optional<Lease> lease(String name);

    /**
     * Holds lock {@code name} until the transaction ends: the row's write lock, which a transaction on another node
     * that asks for the same lock waits for. Take it first, before reading what the lock protects.
     */
    @SqlUpdate("INSERT INTO node_lease (name, holder, expires_at) VALUES (?, '', 0)"
            + " ON CONFLICT (name) DO UPDATE SET expires_at = 0")
    void lock(String name);
}
