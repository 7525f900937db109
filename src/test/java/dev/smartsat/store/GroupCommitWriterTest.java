package dev.smartsat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group-commit writer on a real SQLite file: a write that fails inside a batch undoes only itself, a
 * write made inside a write joins its transaction, and closing drains what is queued before it stops.
 * Batches are formed deterministically: a first write holds the writer thread on a latch while the others
 * queue behind it.
 */
class GroupCommitWriterTest {
    @TempDir
    Path dir;
    private Handle handle;
    private GroupCommitWriter writer;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void open() {
        handle = Jdbi.create("jdbc:sqlite:" + dir.resolve("w.db")).open();
        handle.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        writer = new GroupCommitWriter(handle);
    }

    @AfterEach
    void close() {
        release.countDown();
        writer.close();
        handle.close();
    }

    @Test
    void aWriteThatFailsInsideABatchUndoesOnlyItselfAndTellsOnlyItsCaller() throws Exception {
        CompletableFuture<Object> holder = holdTheWriter();
        List<CompletableFuture<Integer>> others = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            int row = id;
            others.add(CompletableFuture.supplyAsync(() -> writer.write(h -> {
                h.execute("INSERT INTO t (id) VALUES (?)", row);
                if (row == 3) {
                    throw new IllegalStateException("write 3 fails after its insert");
                }
                return row;
            })));
        }
        Await.until(() -> writer.queued() == 5, "five writes queue behind the held one");
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        for (int id = 1; id <= 5; id++) {
            CompletableFuture<Integer> write = others.get(id - 1);
            if (id == 3) {
                ExecutionException failed = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
                assertTrue(failed.getCause().getMessage().contains("write 3 fails"), failed.toString());
            } else {
                assertEquals(id, write.get(10, TimeUnit.SECONDS));
            }
        }
        assertEquals(List.of(0, 1, 2, 4, 5), ids());
    }

    @Test
    void aWriteInsideAWriteJoinsItsTransaction() {
        writer.write(h -> writer.write(inner -> inner.execute("INSERT INTO t (id) VALUES (1)")));
        assertEquals(List.of(1), ids());
        assertThrows(IllegalStateException.class, () -> writer.write(h -> {
            writer.write(inner -> inner.execute("INSERT INTO t (id) VALUES (2)"));
            throw new IllegalStateException("the outer write fails after the inner one");
        }));
        assertEquals(List.of(1), ids(), "the inner write went with the outer one");
    }

    @Test
    void closingDrainsTheQueuedWritesThenRefusesNewOnes() throws Exception {
        CompletableFuture<Object> holder = holdTheWriter();
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            int row = id;
            queued.add(CompletableFuture.supplyAsync(() -> writer.write(h -> h.execute("INSERT INTO t (id) VALUES (?)",
                    row))));
        }
        Await.until(() -> writer.queued() == 3, "three writes queue behind the held one");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(writer::close);
        release.countDown();
        closing.get(20, TimeUnit.SECONDS);
        holder.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<Integer> write : queued) {
            assertEquals(1, write.get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(0, 1, 2, 3), ids());
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> writer.write(h -> h.execute("INSERT INTO t (id) VALUES (9)")));
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
    }

    /** A first write (row 0) that keeps the writer thread until {@link #release} opens. */
    private CompletableFuture<Object> holdTheWriter() throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Object> holder = CompletableFuture.supplyAsync(() -> writer.write(h -> {
            h.execute("INSERT INTO t (id) VALUES (0)");
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the first write runs");
        return holder;
    }

    private List<Integer> ids() {
        try (Handle reader = Jdbi.create("jdbc:sqlite:" + dir.resolve("w.db")).open()) {
            return reader.createQuery("SELECT id FROM t ORDER BY id").mapTo(Integer.class).list();
        }
    }

}
