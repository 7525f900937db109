package dev.smartsat.store;

import dev.smartsat.store.InstanceSearch.Row;
import dev.smartsat.store.InstanceSearch.Touched;
import java.util.List;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQLite's statements behind {@link InstanceSearch}, on the writer's connection only: the temporary table and
 * triggers that note which instances a transaction changed (temporary objects belong to one connection, and
 * only the writer writes), and the searched columns of the instances.
 */
interface InstanceSearchDao {
    String ROWS = "SELECT id, virtual_account_id, registered_at, piid, hostname, udi_pid, udi_serial"
            + " FROM product_instance";

    /** Creates the table and triggers once per connection (a trigger's body holds semicolons: one statement each). */
    default void capture() {
        touchedTable();
        insertedTrigger();
        deletedTrigger();
        updatedTrigger();
        forgetTouched();
    }

    @SqlUpdate("CREATE TEMP TABLE IF NOT EXISTS instance_search_touched (id INTEGER PRIMARY KEY, listed_at INTEGER)")
    void touchedTable();

    @SqlUpdate("CREATE TEMP TRIGGER IF NOT EXISTS instance_search_inserted AFTER INSERT ON main.product_instance"
            + " BEGIN INSERT OR IGNORE INTO instance_search_touched VALUES (NEW.id, NULL); END")
    void insertedTrigger();

    @SqlUpdate("CREATE TEMP TRIGGER IF NOT EXISTS instance_search_deleted AFTER DELETE ON main.product_instance"
            + " BEGIN INSERT OR IGNORE INTO instance_search_touched VALUES (OLD.id, OLD.registered_at); END")
    void deletedTrigger();

    @SqlUpdate("CREATE TEMP TRIGGER IF NOT EXISTS instance_search_updated AFTER UPDATE OF piid, hostname, udi_pid,"
            + " udi_serial, virtual_account_id, registered_at ON main.product_instance"
            + " BEGIN INSERT OR IGNORE INTO instance_search_touched VALUES (OLD.id, OLD.registered_at); END")
    void updatedTrigger();

    @SqlQuery(ROWS + " ORDER BY registered_at, id")
    ResultIterable<Row> all();

    @SqlQuery("SELECT id, listed_at FROM temp.instance_search_touched")
    List<Touched> touched();

    @SqlQuery(ROWS + " WHERE id IN (SELECT id FROM temp.instance_search_touched)")
    List<Row> touchedRows();

    @SqlUpdate("DELETE FROM temp.instance_search_touched")
    void forgetTouched();
}
