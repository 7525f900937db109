package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Per-instance license usage and the running per-pool totals built from it. */
public interface UsageDao {
    /** One entitlement an instance reported. */
    record UsageRow(long instanceId, long virtualAccountId, String entitlementTag, long count,
                    Instant firstAuthorizedAt, Instant liveUntil, String status, long queuePosition) {}

    /** A pool's live usage total, exact while the clock is in [computedAt, nextLapseAt). */
    record PoolUsage(long virtualAccountId, String entitlementTag, long inUse, Instant nextLapseAt, Instant computedAt) {}

    String ROW = "instance_id, virtual_account_id, entitlement_tag, count, first_authorized_at, live_until, status,"
            + " queue_position";

    @SqlQuery("SELECT " + ROW + " FROM instance_usage WHERE instance_id = ? ORDER BY entitlement_tag")
    List<UsageRow> rows(long instanceId);

    @SqlQuery("SELECT " + ROW + " FROM instance_usage WHERE instance_id IN (<ids>) ORDER BY instance_id, entitlement_tag")
    List<UsageRow> rowsOf(@BindList("ids") List<Long> instanceIds);

    @SqlUpdate("INSERT INTO instance_usage (" + ROW + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    void insert(long instanceId, long virtualAccountId, String tag, long count, Instant firstAuthorizedAt,
                Instant liveUntil, String status, long queuePosition);

    @SqlUpdate("UPDATE instance_usage SET count = ?, live_until = ?, status = ? WHERE instance_id = ? AND entitlement_tag = ?")
    void update(long count, Instant liveUntil, String status, long instanceId, String tag);

    @SqlUpdate("DELETE FROM instance_usage WHERE instance_id = ? AND entitlement_tag = ?")
    void delete(long instanceId, String tag);

    @SqlUpdate("DELETE FROM instance_usage WHERE instance_id = ?")
    void deleteAll(long instanceId);

    @SqlUpdate("UPDATE instance_usage SET live_until = ? WHERE instance_id = ?")
    void setLiveUntil(Instant liveUntil, long instanceId);

    @SqlQuery("SELECT COALESCE(SUM(count), 0) FROM instance_usage WHERE virtual_account_id = ? AND entitlement_tag = ?"
            + " AND live_until > ? AND status <> 'INVALID_TAG'")
    long sumLive(long virtualAccountId, String tag, Instant now);

    @SqlQuery("SELECT MIN(live_until) FROM instance_usage WHERE virtual_account_id = ? AND entitlement_tag = ?"
            + " AND live_until > ? AND status <> 'INVALID_TAG'")
    Optional<Instant> nextLapse(long virtualAccountId, String tag, Instant now);

    /**
     * Live usage of the first {@code rows} instances queued for the tag before this one. Every count is
     * at least 1, so with a supply of S only the first S + 1 rows can decide whether this instance fits;
     * the scan stops there however long the queue is.
     */
    @SqlQuery("SELECT COALESCE(SUM(count), 0) FROM (SELECT count FROM instance_usage"
            + " WHERE virtual_account_id = ? AND entitlement_tag = ? AND live_until > ? AND status <> 'INVALID_TAG'"
            + " AND queue_position < ? ORDER BY queue_position LIMIT ?) ahead")
    long sumAhead(long virtualAccountId, String tag, Instant now, long queuePosition, long rows);

    /** The next place in a pool's queue; writes are serialised, so it is never handed out twice. */
    @SqlQuery("SELECT COALESCE(MAX(queue_position), 0) + 1 FROM instance_usage"
            + " WHERE virtual_account_id = ? AND entitlement_tag = ?")
    long nextQueuePosition(long virtualAccountId, String tag);

    @SqlUpdate("UPDATE instance_usage SET virtual_account_id = ?, first_authorized_at = ?, queue_position = ?"
            + " WHERE instance_id = ? AND entitlement_tag = ?")
    void moveRow(long virtualAccountId, Instant firstAuthorizedAt, long queuePosition, long instanceId, String tag);

    @SqlQuery("SELECT virtual_account_id, entitlement_tag, in_use, next_lapse_at, computed_at FROM pool_usage"
            + " WHERE virtual_account_id = ? AND entitlement_tag = ?")
    Optional<PoolUsage> pool(long virtualAccountId, String tag);

    @SqlQuery("SELECT virtual_account_id, entitlement_tag, in_use, next_lapse_at, computed_at FROM pool_usage"
            + " WHERE virtual_account_id = ? ORDER BY entitlement_tag")
    List<PoolUsage> pools(long virtualAccountId);

    @SqlUpdate("INSERT INTO pool_usage (virtual_account_id, entitlement_tag, in_use, next_lapse_at, computed_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (virtual_account_id, entitlement_tag) DO UPDATE SET"
            + " in_use = excluded.in_use, next_lapse_at = excluded.next_lapse_at, computed_at = excluded.computed_at")
    void putPool(long virtualAccountId, String tag, long inUse, Instant nextLapseAt, Instant computedAt);
}
