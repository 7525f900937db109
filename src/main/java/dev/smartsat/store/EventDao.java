package dev.smartsat.store;

import dev.smartsat.core.Event;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The event log. Filters are optional: a null parameter matches everything. */
public interface EventDao {
    String FILTER = " FROM event e LEFT JOIN virtual_account va ON va.id = e.virtual_account_id"
            + " WHERE (:allAccounts = 1 OR e.account_id = :accountId)"
            + " AND (:vaId IS NULL OR e.virtual_account_id = :vaId)"
            + " AND (:type IS NULL OR e.type = :type)"
            + " AND (:since IS NULL OR e.time >= :since)";

    @SqlUpdate("INSERT INTO event (time, type, account_id, virtual_account_id, product_instance_identifier, message)"
            + " VALUES (?, ?, ?, ?, ?, ?)")
    void insert(Instant time, String type, Long accountId, Long virtualAccountId, String productInstanceIdentifier,
                String message);

    /** {@link #insert} for an event of a virtual account known by its id: its smart account is read in the same step. */
    @SqlUpdate("INSERT INTO event (time, type, account_id, virtual_account_id, product_instance_identifier, message)"
            + " SELECT ?, ?, account_id, id, ?, ? FROM virtual_account WHERE id = ?")
    int insertForVirtualAccount(Instant time, String type, String productInstanceIdentifier, String message,
                                long virtualAccountId);

    @SqlQuery("SELECT e.id, e.time, e.type, va.name AS virtual_account, e.product_instance_identifier, e.message"
            + FILTER + " ORDER BY e.time DESC, e.id DESC LIMIT :limit OFFSET :offset")
    List<Event> find(@Bind("allAccounts") boolean allAccounts, @Bind("accountId") Long accountId,
                     @Bind("vaId") Long virtualAccountId, @Bind("type") String type, @Bind("since") Instant since,
                     @Bind("limit") int limit, @Bind("offset") int offset);

    @SqlQuery("SELECT COUNT(*)" + FILTER)
    long count(@Bind("allAccounts") boolean allAccounts, @Bind("accountId") Long accountId,
               @Bind("vaId") Long virtualAccountId, @Bind("type") String type, @Bind("since") Instant since);
}
