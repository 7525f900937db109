package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Reused prepared statements must behave as fresh ones: every reader sees the latest committed write (a
 * statement left mid-result would pin its connection to an old snapshot), a refused write leaves nothing
 * behind, and nested use of the same SQL works.
 */
@OnEachDatabase
class CachedStatementsTest {
    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;

    @Test
    void everyReaderSeesEveryCommittedWrite() {
        try (Store store = database.open(dir)) {
            store.write(tx -> TestSql.of(tx).execute("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)"));
            store.write(tx -> TestSql.of(tx).execute("INSERT INTO kv (k, v) VALUES ('a', 0), ('b', 0)"));
            for (long i = 1; i <= 40; i++) {
                long value = i;
                store.write(tx -> TestSql.of(tx).createUpdate("UPDATE kv SET v = :v WHERE k = 'a'").bind("v", value).execute());
                // More reads than reader connections, each with the same (cached) statements.
                for (int r = 0; r < 9; r++) {
                    long seen = store.read(tx -> TestSql.of(tx).createQuery("SELECT v FROM kv WHERE k = ?").bind(0, "a")
                            .mapTo(Long.class).one());
                    assertEquals(value, seen, "read " + r + " after write " + i);
                    // A query whose rows are not all read must not hold the snapshot either.
                    store.read(tx -> TestSql.of(tx).createQuery("SELECT v FROM kv ORDER BY k").mapTo(Long.class).findFirst());
                }
            }
        }
    }

    @Test
    void theSameStatementNestedInsideItselfAndAfterARefusedWrite() {
        try (Store store = database.open(dir)) {
            store.write(tx -> TestSql.of(tx).execute("CREATE TABLE IF NOT EXISTS n (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"));
            store.write(tx -> TestSql.of(tx).execute("INSERT INTO n (id, v) VALUES (1, 'x'), (2, 'y')"));
            String sql = "SELECT v FROM n WHERE id = ?";
            List<String> nested = store.read(tx -> TestSql.of(tx).createQuery("SELECT id FROM n ORDER BY id").mapTo(Long.class)
                    .list().stream().map(id -> TestSql.of(tx).createQuery(sql).bind(0, id).mapTo(String.class).one()
                            + TestSql.of(tx).createQuery(sql).bind(0, 3 - id).mapTo(String.class).one()).toList());
            assertEquals(List.of("xy", "yx"), nested);
            try {
                store.write(tx -> {
                    TestSql.of(tx).createUpdate("UPDATE n SET v = 'changed' WHERE id = 1").execute();
                    throw new IllegalStateException("refused");
                });
            } catch (IllegalStateException expected) {
                // the write is undone
            }
            assertEquals("x", store.read(tx -> TestSql.of(tx).createQuery(sql).bind(0, 1).mapTo(String.class).one()));
        }
    }
}
