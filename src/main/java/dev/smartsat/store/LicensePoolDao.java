package dev.smartsat.store;

import dev.smartsat.core.LicensePool;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** License pools and the record of local transfers between them. */
public interface LicensePoolDao {
    String COLUMNS = "id, virtual_account_id, entitlement_tag, display_name, license_type, quantity, end_date";

    @SqlQuery("SELECT " + COLUMNS + " FROM license_pool WHERE virtual_account_id = ? ORDER BY display_name, id")
    List<LicensePool> byVirtualAccount(long virtualAccountId);

    @SqlQuery("SELECT " + COLUMNS + " FROM license_pool WHERE virtual_account_id IN (<ids>)"
            + " ORDER BY virtual_account_id, display_name, id")
    List<LicensePool> byVirtualAccounts(@BindList("ids") List<Long> virtualAccountIds);

    @SqlQuery("SELECT " + COLUMNS + " FROM license_pool WHERE virtual_account_id = ? AND entitlement_tag = ?")
    Optional<LicensePool> pool(long virtualAccountId, String entitlementTag);

    @SqlQuery("INSERT INTO license_pool (virtual_account_id, entitlement_tag, display_name, license_type, quantity,"
            + " end_date) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
    long insert(long virtualAccountId, String entitlementTag, String displayName, String licenseType, long quantity,
                LocalDate endDate);

    @SqlUpdate("UPDATE license_pool SET quantity = quantity + ? WHERE id = ?")
    int addQuantity(long delta, long id);

    @SqlUpdate("UPDATE license_pool SET display_name = ?, license_type = ?, quantity = ?, end_date = ? WHERE id = ?")
    void update(String displayName, String licenseType, long quantity, LocalDate endDate, long id);

    @SqlUpdate("DELETE FROM license_pool WHERE id = ?")
    void delete(long id);

    @SqlUpdate("INSERT INTO license_transfer (time, from_va_id, to_va_id, entitlement_tag, quantity)"
            + " VALUES (?, ?, ?, ?, ?)")
    void recordTransfer(Instant time, long fromVirtualAccountId, long toVirtualAccountId, String entitlementTag,
                        long quantity);
}
