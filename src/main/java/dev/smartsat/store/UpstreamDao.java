package dev.smartsat.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The upstream's side of synchronization: the satellites it heard from and what they reported. */
public interface UpstreamDao {
    /** A satellite as registered by its first sync request. */
    record SatelliteRow(long id, String satelliteId, long accountId, String accountName, String certificateSha256,
                        Instant firstSeen, Instant lastSeen, long lastSequence, long transfersApplied) {}

    /** An instance a satellite reported; {@code licenseUsage} is a JSON array. */
    record ReportedInstance(long virtualAccountId, String virtualAccount, String piid, String udiPid, String udiSerial,
                            String hostname, String registrationStatus, String authorizationStatus,
                            Instant lastContact, String licenseUsage) {}

    /** A pool's usage a satellite reported (or, summed, all satellites). */
    record ReportedUsage(long virtualAccountId, String virtualAccount, String entitlementTag, long inUse,
                         long reserved) {}

    /** How many instances a satellite reported in one virtual account. */
    record InstanceCount(long virtualAccountId, String virtualAccount, long instances) {}

    String SATELLITE = "SELECT s.id, s.satellite_id, s.account_id, a.name AS account_name, s.certificate_sha256,"
            + " s.first_seen, s.last_seen, s.last_sequence, s.transfers_applied"
            + " FROM satellite s JOIN smart_account a ON a.id = s.account_id";

    @SqlQuery(SATELLITE + " WHERE s.satellite_id = ?")
    Optional<SatelliteRow> satellite(String satelliteId);

    @SqlQuery(SATELLITE + " ORDER BY s.first_seen, s.id LIMIT ? OFFSET ?")
    List<SatelliteRow> satellites(int limit, int offset);

    @SqlQuery("SELECT COUNT(*) FROM satellite")
    long countSatellites();

    @SqlQuery("INSERT INTO satellite (satellite_id, account_id, certificate_pem, certificate_sha256, first_seen,"
            + " last_seen, last_sequence) VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id")
    long insertSatellite(String satelliteId, long accountId, String certificatePem, String certificateSha256,
                         Instant firstSeen, Instant lastSeen);

    @SqlUpdate("UPDATE satellite SET last_seen = ?, last_sequence = ?, transfers_applied = ? WHERE id = ?")
    void updateSatellite(Instant lastSeen, long lastSequence, long transfersApplied, long id);

    @SqlUpdate("DELETE FROM satellite_instance WHERE satellite_row = ?")
    void deleteInstances(long satelliteRow);

    @SqlUpdate("DELETE FROM satellite_usage WHERE satellite_row = ?")
    void deleteUsage(long satelliteRow);

    @SqlBatch("INSERT INTO satellite_instance (satellite_row, virtual_account_id, piid, udi_pid, udi_serial, hostname,"
            + " registration_status, authorization_status, last_contact, license_usage) VALUES (:row,"
            + " :virtualAccountId, :piid, :udiPid, :udiSerial, :hostname, :registrationStatus, :authorizationStatus,"
            + " :lastContact, :licenseUsage)")
    void insertInstances(@Bind("row") long satelliteRow, @BindMethods List<ReportedInstance> instances);

    @SqlBatch("INSERT INTO satellite_usage (satellite_row, virtual_account_id, entitlement_tag, in_use, reserved)"
            + " VALUES (:row, :virtualAccountId, :entitlementTag, :inUse, :reserved)")
    void insertUsage(@Bind("row") long satelliteRow, @BindMethods List<ReportedUsage> usage);

    String INSTANCES = " FROM satellite_instance i JOIN virtual_account va ON va.id = i.virtual_account_id"
            + " WHERE i.satellite_row = :row AND (:va IS NULL OR i.virtual_account_id = :va)";

    @SqlQuery("SELECT i.virtual_account_id, va.name AS virtual_account, i.piid, i.udi_pid, i.udi_serial, i.hostname,"
            + " i.registration_status, i.authorization_status, i.last_contact, i.license_usage" + INSTANCES
            + " ORDER BY va.name_key, i.piid LIMIT :limit OFFSET :offset")
    List<ReportedInstance> instances(@Bind("row") long satelliteRow, @Bind("va") Long virtualAccountId,
                                     @Bind("limit") int limit, @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*)" + INSTANCES)
    long countInstances(@Bind("row") long satelliteRow, @Bind("va") Long virtualAccountId);

    @SqlQuery("SELECT i.virtual_account_id, va.name AS virtual_account, COUNT(*) AS instances"
            + " FROM satellite_instance i JOIN virtual_account va ON va.id = i.virtual_account_id"
            + " WHERE i.satellite_row = ? GROUP BY i.virtual_account_id, va.name ORDER BY va.name")
    List<InstanceCount> instanceCounts(long satelliteRow);

    @SqlQuery("SELECT u.virtual_account_id, va.name AS virtual_account, u.entitlement_tag, u.in_use, u.reserved"
            + " FROM satellite_usage u JOIN virtual_account va ON va.id = u.virtual_account_id"
            + " WHERE u.satellite_row = ? ORDER BY va.name_key, u.entitlement_tag")
    List<ReportedUsage> usage(long satelliteRow);

    /** What every satellite reports of one virtual account's pools, summed per tag. */
    @SqlQuery("SELECT u.virtual_account_id, va.name AS virtual_account, u.entitlement_tag, SUM(u.in_use) AS in_use,"
            + " SUM(u.reserved) AS reserved FROM satellite_usage u JOIN virtual_account va ON va.id = u.virtual_account_id"
            + " WHERE u.virtual_account_id = ? GROUP BY u.virtual_account_id, va.name, u.entitlement_tag"
            + " ORDER BY u.entitlement_tag")
    List<ReportedUsage> usageOfVirtualAccount(long virtualAccountId);
}
