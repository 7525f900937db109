package dev.smartsat.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every write on one thread and commits the writes that queued up meanwhile together. Each write
 * is still all-or-nothing on its own — it runs inside a savepoint that is rolled back if it throws —
 * and its caller hears back only after the commit that made it durable. One committing thread instead
 * of many threads taking turns on a lock avoids lock convoys, and one commit per batch instead of per
 * write is what lets SQLite keep up with thousands of devices a second.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    static final int MAX_BATCH = 512;

    private final Handle handle;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final CommitHook hook;
    private final ThreadLocal<Handle> current = new ThreadLocal<>();
    private volatile boolean closed;

    /** One queued write and how it ended. */
    private static final class Task<T> {
        final HandleCallback<T, ?> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T value;
        Throwable failure;

        Task(HandleCallback<T, ?> work) {
            this.work = work;
        }

        /** Plain SQL savepoints (SQLite and PostgreSQL alike): a failed write undoes only itself. */
        void run(Handle h) {
            h.execute("SAVEPOINT write_task");
            try {
                value = work.withHandle(h);
                h.execute("RELEASE SAVEPOINT write_task");
            } catch (Throwable e) {
                h.execute("ROLLBACK TO SAVEPOINT write_task");
                h.execute("RELEASE SAVEPOINT write_task");
                failure = e;
            }
        }

        void finish(Throwable batchFailure) {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else if (batchFailure != null) {
                done.completeExceptionally(batchFailure);
            } else {
                done.complete(value);
            }
        }
    }

    /** What the store does around each commit, on the writer thread (see {@link InstanceSearch}). */
    interface CommitHook {
        CommitHook NONE = new CommitHook() {
            @Override
            public Runnable beforeCommit() {
                return null;
            }

            @Override
            public void failed() {
            }
        };

        /** Inside the transaction, after its writes: what to run once it is committed (null: nothing). */
        Runnable beforeCommit();

        /** The batch was rolled back. */
        void failed();
    }

    GroupCommitWriter(Handle handle) {
        this(handle, CommitHook.NONE);
    }

    GroupCommitWriter(Handle handle, CommitHook hook) {
        this.handle = handle;
        this.hook = hook;
        this.thread = new Thread(this::loop, "smartsat-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    <T, X extends Exception> T write(HandleCallback<T, X> work) throws X {
        Handle inside = current.get();
        if (inside != null) {
            return work.withHandle(inside); // a write made by a write joins its transaction
        }
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        Task<T> task = new Task<>(work);
        queue.add(task);
        try {
            return task.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a write", e);
        } catch (ExecutionException e) {
            throw GroupCommitWriter.<X>rethrow(e.getCause());
        }
    }

    /** Throws {@code t} as it is: unchecked, or the checked {@code X} the caller's work declares. */
    @SuppressWarnings("unchecked")
    static <X extends Exception> RuntimeException rethrow(Throwable t) throws X {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw (X) t;
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                closed = true;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Task<?>> batch) {
        Throwable batchFailure = null;
        Runnable committed = null;
        Handle h = handle;
        current.set(h);
        try {
            h.begin();
            for (Task<?> task : batch) {
                task.run(h);
            }
            committed = hook.beforeCommit();
            h.commit();
        } catch (RuntimeException e) {
            batchFailure = e;
            hook.failed();
            log.error("a batch of {} writes failed to commit", batch.size(), e);
            try {
                h.rollback();
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
        } finally {
            current.remove();
        }
        if (batchFailure == null && committed != null) {
            committed.run(); // before any writer hears back: what it wrote is found from then on
        }
        for (Task<?> task : batch) {
            task.finish(batchFailure);
        }
    }

    /** Writes waiting for the writer thread; tests observe a batch forming. */
    int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
