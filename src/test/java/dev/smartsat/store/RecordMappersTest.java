package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Rows become records by column name, in any column order, with the store's own column types. */
@OnEachDatabase
class RecordMappersTest {
    @Parameter
    TestDatabase database;

    record Row(long id, String displayName, Long pendingCount, Instant createdAt, boolean active) {}

    @TempDir
    Path dir;

    @Test
    void columnsMatchComponentsByNameInAnyOrderWithNullsAndInstants() {
        try (Store store = database.open(dir)) {
            store.write(tx -> TestSql.of(tx).execute("CREATE TABLE r (id INTEGER PRIMARY KEY, display_name TEXT, pending_count BIGINT,"
                    + " created_at BIGINT, active SMALLINT)"));
            store.write(tx -> TestSql.of(tx).execute("INSERT INTO r VALUES (1, 'one', NULL, 1000, 1), (2, 'two', 7, 2000, 0)"));
            List<Row> rows = store.read(tx -> TestSql.of(tx).createQuery("SELECT active, created_at, pending_count, display_name, id"
                    + " FROM r ORDER BY id").mapTo(Row.class).list());
            assertEquals(List.of(new Row(1, "one", null, Instant.ofEpochMilli(1000), true),
                    new Row(2, "two", 7L, Instant.ofEpochMilli(2000), false)), rows);
            // Another column list for the same record is planned on its own.
            Row aliased = store.read(tx -> TestSql.of(tx).createQuery("SELECT id, display_name AS displayName, pending_count,"
                    + " created_at, active FROM r WHERE id = 2").mapTo(Row.class).one());
            assertEquals("two", aliased.displayName());
            IllegalStateException missing = assertThrows(IllegalStateException.class, () -> store.read(tx ->
                    TestSql.of(tx).createQuery("SELECT id, display_name FROM r").mapTo(Row.class).list()));
            assertTrue(missing.getMessage().contains("no column for Row.pendingCount"), missing.getMessage());
        }
    }
}
