package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Specific License Reservations: the codes of a reserved instance and what it holds per tag. */
public interface ReservationDao {
    /** The codes of one reservation: the request it answered, the code in force, and an update awaiting confirmation. */
    record Codes(long id, String reservationRequestCode, String reservationCode, Long reservationTimestamp,
                 String pendingReservationCode, Long pendingReservationTimestamp) {}

    /** What a reservation holds of one tag; {@code pendingCount} is null unless an update awaits confirmation. */
    record Held(long instanceId, long virtualAccountId, String entitlementTag, long count, Long pendingCount) {
        /** What the pool keeps back for it: the larger of the quantity in force and the one awaiting confirmation. */
        public long holds() {
            return pendingCount == null ? count : Math.max(count, pendingCount);
        }
    }

    /** The total a virtual account's reservations hold of one tag. */
    record TagTotal(String entitlementTag, long reserved) {}

    /** Pools hold the larger of count and pending_count while an update is pending. */
    String HOLDS = "CASE WHEN pending_count IS NOT NULL AND pending_count > count THEN pending_count ELSE count END";

    @SqlQuery("INSERT INTO product_instance (piid, virtual_account_id, udi_pid, udi_serial, export_controlled,"
            + " registered_at, last_contact_at, cert_serial, cert_public_key, cert_issued_at, registration_expires_at,"
            + " last_auth_at, authorization_expires_at, authorization_status, reservation_status,"
            + " reservation_request_code, reservation_code, reservation_timestamp)"
            + " VALUES (:piid, :va, :pid, :serial, 0, :now, :now, '', '', :now, :never, :now, :never, 'AUTHORIZED',"
            + " 'RESERVED', :request, :code, :timestamp) RETURNING id")
    long insertInstance(@Bind("piid") String piid, @Bind("va") long virtualAccountId, @Bind("pid") String pid,
                        @Bind("serial") String serial, @Bind("now") Instant now, @Bind("never") Instant never,
                        @Bind("request") String requestCode, @Bind("code") String authorizationCode,
                        @Bind("timestamp") long timestamp);

    @SqlQuery("SELECT id, reservation_request_code, reservation_code, reservation_timestamp, pending_reservation_code,"
            + " pending_reservation_timestamp FROM product_instance WHERE id = ?")
    Optional<Codes> codes(long instanceId);

    @SqlUpdate("UPDATE product_instance SET reservation_status = 'PENDING_CONFIRMATION', pending_reservation_code = ?,"
            + " pending_reservation_timestamp = ? WHERE id = ?")
    void setPending(String authorizationCode, long timestamp, long instanceId);

    @SqlUpdate("UPDATE product_instance SET reservation_status = 'RESERVED', reservation_code = pending_reservation_code,"
            + " reservation_timestamp = pending_reservation_timestamp, pending_reservation_code = NULL,"
            + " pending_reservation_timestamp = NULL, last_contact_at = ? WHERE id = ?")
    void confirmCodes(Instant now, long instanceId);

    @SqlUpdate("INSERT INTO reservation_entitlement (instance_id, virtual_account_id, entitlement_tag, count,"
            + " pending_count) VALUES (?, ?, ?, ?, ?)")
    void insertHeld(long instanceId, long virtualAccountId, String tag, long count, Long pendingCount);

    @SqlUpdate("UPDATE reservation_entitlement SET pending_count = ? WHERE instance_id = ? AND entitlement_tag = ?")
    void setPendingCount(Long pendingCount, long instanceId, String tag);

    @SqlUpdate("DELETE FROM reservation_entitlement WHERE instance_id = ? AND entitlement_tag = ?")
    void deleteHeld(long instanceId, String tag);

    /** Confirmation: the pending quantities take effect, and tags the update dropped go. */
    @SqlUpdate("UPDATE reservation_entitlement SET count = pending_count, pending_count = NULL"
            + " WHERE instance_id = ? AND pending_count IS NOT NULL")
    void confirmCounts(long instanceId);

    @SqlUpdate("DELETE FROM reservation_entitlement WHERE instance_id = ? AND count = 0")
    void dropEmpty(long instanceId);

    @SqlUpdate("UPDATE reservation_entitlement SET virtual_account_id = ? WHERE instance_id = ?")
    void moveTo(long virtualAccountId, long instanceId);

    @SqlQuery("SELECT instance_id, virtual_account_id, entitlement_tag, count, pending_count FROM reservation_entitlement"
            + " WHERE instance_id = ? ORDER BY entitlement_tag")
    List<Held> held(long instanceId);

    @SqlQuery("SELECT instance_id, virtual_account_id, entitlement_tag, count, pending_count FROM reservation_entitlement"
            + " WHERE instance_id IN (<ids>) ORDER BY instance_id, entitlement_tag")
    List<Held> heldBy(@BindList("ids") List<Long> instanceIds);

    @SqlQuery("SELECT COALESCE(SUM(" + HOLDS + "), 0) FROM reservation_entitlement"
            + " WHERE virtual_account_id = ? AND entitlement_tag = ?")
    long reserved(long virtualAccountId, String tag);

    @SqlQuery("SELECT entitlement_tag, SUM(" + HOLDS + ") AS reserved FROM reservation_entitlement"
            + " WHERE virtual_account_id = ? GROUP BY entitlement_tag")
    List<TagTotal> reservedByTag(long virtualAccountId);
}
