package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.SyncState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The satellite's side of synchronization: its sync state, and what a sync request reports. */
public interface SyncDao {
    /** One entitlement an instance reported. */
    record UsageLine(long instanceId, String entitlementTag, long count, String status) {}

    /** A reservation and one tag it holds (tag null when it holds none). */
    record ReservationLine(long id, String piid, long virtualAccountId, String udiPid, String udiSerial,
                           String reservationStatus, String entitlementTag, Long count, Long pendingCount) {}

    /** A local license transfer with the names of its virtual accounts. */
    record TransferLine(long id, Instant time, long fromVaId, String fromName, long toVaId, String toName,
                        String entitlementTag, long quantity) {}

    String ACCOUNT_VAS = "(SELECT id FROM virtual_account WHERE account_id = ?)";

    @SqlQuery("SELECT satellite_id, last_sequence_issued, last_sequence_applied, last_applied_digest,"
            + " transfers_acknowledged, last_success, last_failure, last_failure_reason FROM sync_state WHERE id = 1")
    Optional<SyncState> state();

    /** Makes the sync state with this satellite id, unless a node made it first: 1 if this call made it. */
    @SqlUpdate("INSERT INTO sync_state (id, satellite_id) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")
    int create(String satelliteId);

    @SqlUpdate("UPDATE sync_state SET last_sequence_issued = last_sequence_issued + 1 WHERE id = 1")
    void issue();

    @SqlUpdate("UPDATE sync_state SET last_sequence_applied = ?, last_applied_digest = ?, transfers_acknowledged = ?,"
            + " last_success = ? WHERE id = 1")
    void applied(long sequence, String digest, long transfersAcknowledged, Instant at);

    @SqlUpdate("UPDATE sync_state SET last_failure = ?, last_failure_reason = ? WHERE id = 1")
    void failed(Instant at, String reason);

    /** Instances registered over the transport (not reservations), by virtual account. */
    @SqlQuery("SELECT " + InstanceDao.COLUMNS + " FROM product_instance WHERE reservation_status IS NULL"
            + " AND virtual_account_id IN " + ACCOUNT_VAS + " ORDER BY virtual_account_id, id")
    List<ProductInstance> instances(long accountId);

    @SqlQuery("SELECT instance_id, entitlement_tag, count, status FROM instance_usage"
            + " WHERE virtual_account_id IN " + ACCOUNT_VAS + " ORDER BY instance_id, entitlement_tag")
    List<UsageLine> usage(long accountId);

    @SqlQuery("SELECT pi.id, pi.piid, pi.virtual_account_id, pi.udi_pid, pi.udi_serial, pi.reservation_status,"
            + " re.entitlement_tag, re.count, re.pending_count FROM product_instance pi"
            + " LEFT JOIN reservation_entitlement re ON re.instance_id = pi.id"
            + " WHERE pi.reservation_status IS NOT NULL AND pi.virtual_account_id IN " + ACCOUNT_VAS
            + " ORDER BY pi.virtual_account_id, pi.id, re.entitlement_tag")
    List<ReservationLine> reservations(long accountId);

    @SqlQuery("SELECT t.id, t.time, t.from_va_id, f.name AS from_name, t.to_va_id, v.name AS to_name,"
            + " t.entitlement_tag, t.quantity FROM license_transfer t"
            + " JOIN virtual_account f ON f.id = t.from_va_id JOIN virtual_account v ON v.id = t.to_va_id"
            + " WHERE t.id > ? AND f.account_id = ? ORDER BY t.id")
    List<TransferLine> transfersAfter(long id, long accountId);
}
