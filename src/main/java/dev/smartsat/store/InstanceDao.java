package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.AllowUnusedBindings;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Product instances. */
public interface InstanceDao {
    String COLUMNS = "id, piid, virtual_account_id, udi_pid, udi_serial, udi_uuid, hostname, software_tag,"
            + " export_controlled, registered_at, last_contact_at, cert_serial, cert_public_key, cert_issued_at,"
            + " registration_expires_at, last_auth_at, authorization_expires_at, authorization_status,"
            + " reservation_status";

    /**
     * The device list's rows: a virtual account's instances that meet {@code <search>} (a condition on {@code :q} and
     * {@code :found}, or none) and {@code <status>} (an {@link InstanceFilter}'s, on {@code :now}), read as {@code
     * <plan>} says (empty, or SQLite's NOT INDEXED). {@link InstanceList} fills them in.
     */
    String LISTED = " FROM product_instance <plan> WHERE virtual_account_id = :va AND <search> AND <status>";

    /** How many instances have each pair of statuses, as {@code ProductInstance} computes them at {@code now}. */
    record StatusCount(String registrationStatus, String authorizationStatus, long count) {}

    // One pass over the table, grouped in SQL: the metrics scrape this with 100,000 instances.
    @SqlQuery("SELECT CASE WHEN reservation_status IS NOT NULL THEN 'RESERVED'"
            + "  WHEN registration_expires_at <= :now THEN 'REGISTRATION_EXPIRED' ELSE 'REGISTERED' END"
            + "  AS registration_status,"
            + " CASE WHEN authorization_expires_at <= :now THEN 'AUTHORIZATION_EXPIRED'"
            + "  ELSE COALESCE(authorization_status, 'NO_LICENSES_IN_USE') END AS authorization_status,"
            + " COUNT(*) AS count FROM product_instance GROUP BY 1, 2 ORDER BY 1, 2")
    List<StatusCount> countByStatus(@Bind("now") Instant now);

    @SqlQuery("SELECT " + COLUMNS + " FROM product_instance WHERE piid = ?")
    Optional<ProductInstance> byPiid(String piid);

    @SqlQuery("SELECT " + COLUMNS + " FROM product_instance WHERE udi_pid = ? AND udi_serial = ?")
    Optional<ProductInstance> byUdi(String pid, String serial);

    @SqlQuery("INSERT INTO product_instance (piid, virtual_account_id, udi_pid, udi_serial, udi_uuid, hostname,"
            + " software_tag, export_controlled, registered_at, last_contact_at, cert_serial, cert_public_key,"
            + " cert_issued_at, registration_expires_at) VALUES (:piid, :virtualAccountId, :udiPid, :udiSerial,"
            + " :udiUuid, :hostname, :softwareTag, :exportControlled, :registeredAt, :lastContactAt, :certSerial,"
            + " :certPublicKey, :certIssuedAt, :registrationExpiresAt) RETURNING id")
    long insert(@org.jdbi.v3.sqlobject.customizer.BindMethods ProductInstance instance);

    @SqlUpdate("UPDATE product_instance SET cert_serial = ?, cert_public_key = ?, cert_issued_at = ?,"
            + " registration_expires_at = ?, hostname = ?, last_contact_at = ? WHERE id = ?")
    void updateCertificate(String serial, String publicKey, Instant issuedAt, Instant registrationExpiresAt,
                           String hostname, Instant lastContactAt, long id);

    @SqlUpdate("UPDATE product_instance SET last_auth_at = ?, authorization_expires_at = ?, authorization_status = ?,"
            + " last_contact_at = ? WHERE id = ?")
    void updateAuthorization(Instant lastAuthAt, Instant authorizationExpiresAt, String status, Instant lastContactAt,
                             long id);

    @SqlUpdate("UPDATE product_instance SET last_contact_at = ? WHERE id = ?")
    void touch(Instant lastContactAt, long id);

    @SqlUpdate("UPDATE product_instance SET virtual_account_id = ? WHERE id = ?")
    void moveTo(long virtualAccountId, long id);

    @SqlUpdate("DELETE FROM product_instance WHERE id = ?")
    void delete(long id);

    /**
     * The reserved instances only: few among many, found through their partial index rather than by reading
     * every instance of the virtual account as the general filter does.
     */
    String RESERVED = " FROM product_instance WHERE virtual_account_id = :va AND reservation_status IS NOT NULL"
            + " AND (:q IS NULL OR LOWER(piid) LIKE :q OR LOWER(COALESCE(hostname, '')) LIKE :q"
            + " OR LOWER(udi_pid) LIKE :q OR LOWER(udi_serial) LIKE :q)";

    @SqlQuery("SELECT " + COLUMNS + RESERVED + " ORDER BY registered_at DESC, id DESC LIMIT :limit OFFSET :offset")
    List<ProductInstance> listReserved(@Bind("va") long virtualAccountId, @Bind("q") String q, @Bind("limit") int limit,
                                       @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*)" + RESERVED)
    long countReserved(@Bind("va") long virtualAccountId, @Bind("q") String q);

    @SqlQuery("SELECT " + COLUMNS + LISTED + " ORDER BY registered_at DESC, id DESC LIMIT :limit OFFSET :offset")
    @AllowUnusedBindings
    List<ProductInstance> list(@Define("plan") String plan, @Define("search") String search,
                               @Define("status") String status, @Bind("va") long virtualAccountId, @Bind("q") String q,
                               @Bind("found") String found, @Bind("now") Instant now, @Bind("limit") int limit,
                               @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*)" + LISTED)
    @AllowUnusedBindings
    long count(@Define("plan") String plan, @Define("search") String search, @Define("status") String status,
               @Bind("va") long virtualAccountId, @Bind("q") String q, @Bind("found") String found,
               @Bind("now") Instant now);
}
