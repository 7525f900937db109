package dev.smartsat.store;

import dev.smartsat.core.Alert;
import dev.smartsat.core.LicensePool;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Alerts, and the aggregate queries their evaluator reads the satellite's conditions with. */
public interface AlertDao {
    /** An active alert as its evaluator keys it. */
    record Active(long id, String type, Long virtualAccountId, String entitlementTag, Integer thresholdDays,
                  String message) {}

    /** Smart-licensed instances of a virtual account whose authorization has lapsed. */
    record Lapsed(long virtualAccountId, long count) {}

    @SqlQuery("SELECT id, type, virtual_account_id, entitlement_tag, threshold_days, message FROM alert"
            + " WHERE cleared_at IS NULL")
    List<Active> active();

    @SqlQuery("INSERT INTO alert (type, severity, virtual_account_id, piid, entitlement_tag, threshold_days, message,"
            + " raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
    long insert(String type, String severity, Long virtualAccountId, String piid, String entitlementTag,
                Integer thresholdDays, String message, Instant raisedAt);

    @SqlUpdate("UPDATE alert SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL")
    int clear(Instant clearedAt, long id);

    @SqlUpdate("UPDATE alert SET message = ? WHERE id = ?")
    void updateMessage(String message, long id);

    /** Term pools: the expiry alerts' candidates. */
    @SqlQuery("SELECT " + LicensePoolDao.COLUMNS + " FROM license_pool WHERE end_date IS NOT NULL")
    List<LicensePool> datedPools();

    /**
     * Index-only range scan of product_instance_auth_lapse: it touches only the lapsed rows. SQLite is told to
     * use it ({@code <lapsedIndex>}, see {@link Dialect}); PostgreSQL's planner finds it by itself.
     */
    @SqlQuery("SELECT virtual_account_id, COUNT(*) AS count FROM product_instance <lapsedIndex>"
            + " WHERE authorization_expires_at <= ? AND reservation_status IS NULL GROUP BY virtual_account_id")
    List<Lapsed> lapsed(Instant now);

    /** Where the 30 days of SYNC_OVERDUE count from: the last success, else the first start; null off a satellite. */
    @SqlQuery("SELECT COALESCE(last_success, first_started_at) FROM sync_state WHERE id = 1")
    java.util.Optional<Instant> syncBaseline();

    @SqlUpdate("UPDATE sync_state SET first_started_at = ? WHERE id = 1 AND first_started_at IS NULL")
    void markFirstStart(Instant at);

    String FILTER = " FROM alert a LEFT JOIN virtual_account va ON va.id = a.virtual_account_id"
            + " WHERE (a.virtual_account_id IS NULL OR va.account_id = :accountId)"
            + " AND (:vaId IS NULL OR a.virtual_account_id IS NULL OR a.virtual_account_id = :vaId)"
            + " AND (:type IS NULL OR a.type = :type)"
            + " AND (:active IS NULL OR :active = CASE WHEN a.cleared_at IS NULL THEN 1 ELSE 0 END)";

    @SqlQuery("SELECT a.id, a.type, a.severity, va.name AS virtual_account, a.piid AS product_instance_identifier,"
            + " a.entitlement_tag, a.message, a.raised_at, a.cleared_at" + FILTER
            + " ORDER BY a.raised_at DESC, a.id DESC LIMIT :limit OFFSET :offset")
    List<Alert> find(@Bind("accountId") long accountId, @Bind("vaId") Long virtualAccountId, @Bind("type") String type,
                     @Bind("active") Boolean active, @Bind("limit") int limit, @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*)" + FILTER)
    long count(@Bind("accountId") long accountId, @Bind("vaId") Long virtualAccountId, @Bind("type") String type,
               @Bind("active") Boolean active);
}
