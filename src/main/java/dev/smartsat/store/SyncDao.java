package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import dev.smartsat.core.SyncState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.customizer.FetchSize;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.statement.UseRowMapper;

/** The satellite's side of synchronization: its sync state, and what a sync request reports. */
public interface SyncDao {
    /** An instance and one entitlement it reported (tag, count and status null when it reported none). */
    record InstanceLine(ProductInstance instance, String entitlementTag, Long count, String status) {}

    /** {@link InstanceLine}: the instance's columns as any {@link ProductInstance}, then the usage row's. */
    final class InstanceLineMapper implements RowMapper<InstanceLine> {
        @Override
        public InstanceLine map(ResultSet rs, StatementContext ctx) throws SQLException {
            return specialize(rs, ctx).map(rs, ctx);
        }

        @Override
        public RowMapper<InstanceLine> specialize(ResultSet rs, StatementContext ctx) throws SQLException {
            RowMapper<ProductInstance> instances = ctx.findRowMapperFor(ProductInstance.class).orElseThrow()
                    .specialize(rs, ctx);
            return (row, context) -> {
                long count = row.getLong("count");
                return new InstanceLine(instances.map(row, context), row.getString("entitlement_tag"),
                        row.wasNull() ? null : count, row.getString("status"));
            };
        }
    }

    /** A reservation and one tag it holds (tag null when it holds none). */
    record ReservationLine(long id, String piid, long virtualAccountId, String udiPid, String udiSerial,
                           String reservationStatus, String entitlementTag, Long count, Long pendingCount) {}

    /** A local license transfer with the names of its virtual accounts. */
    record TransferLine(long id, Instant time, long fromVaId, String fromName, long toVaId, String toName,
                        String entitlementTag, long quantity) {}

    String ACCOUNT_VAS = "(SELECT id FROM virtual_account WHERE account_id = ?)";
    /** {@link InstanceDao#COLUMNS} of product_instance pi, beside another table's. */
    String PI_COLUMNS = "pi.id, pi.piid, pi.virtual_account_id, pi.udi_pid, pi.udi_serial, pi.udi_uuid, "
            + "pi.hostname, pi.software_tag, pi.export_controlled, pi.registered_at, pi.last_contact_at, "
            + "pi.cert_serial, pi.cert_public_key, pi.cert_issued_at, pi.registration_expires_at, "
            + "pi.last_auth_at, pi.authorization_expires_at, pi.authorization_status, pi.reservation_status";

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

    /**
     * A virtual account's instances registered over the transport (not reservations), oldest registration first,
     * each with what it reported, tag by tag: read as they are written out, a million of them never held at once
     * (the fetch size makes PostgreSQL send them in batches too). The caller closes the stream.
     */
    @SqlQuery("SELECT " + PI_COLUMNS + ", u.entitlement_tag, u.count, u.status FROM product_instance pi"
            + " <registeredOrder> LEFT JOIN instance_usage u ON u.instance_id = pi.id"
            + " WHERE pi.virtual_account_id = ? AND pi.reservation_status IS NULL"
            + " ORDER BY pi.registered_at, pi.id, u.entitlement_tag")
    @UseRowMapper(InstanceLineMapper.class)
    @FetchSize(1000)
    Stream<InstanceLine> instanceLines(long virtualAccountId);

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
