package dev.smartsat.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device list's {@code q} on SQLite, in memory: each instance's searched text (identifier, host name, PID and
 * serial, lowered as SQLite's LOWER lowers them) in the list's order, so a search reads every instance of a
 * virtual account in one pass and gives an exact {@code totalRecords} and any page. At 1,000,000 instances a pass
 * is about 10–15 ms whatever {@code q} is, where SQLite took a second for a {@code q} that most instances match
 * (LIKE on every row) or that is too short for the trigram index.
 *
 * <p>Built at the first search, so nothing costs anything until someone searches: the writer starts noting changes,
 * a connection of its own reads every instance (writes go on meanwhile), and the writer puts the two together.
 * From then on the writer keeps it: temporary triggers on the writer's connection note each instance
 * inserted, deleted, or changed in a searched column, its virtual account or its registration time (with the
 * registration time it was listed under), inside the transaction, so a write rolled back notes nothing. Just
 * before each commit the writer reads those instances as the transaction leaves them, and once the commit is
 * done it applies them here, before any of the batch's writers hears back. A failed commit drops the index; the
 * next search builds it again.
 *
 * <p>A search sees every write committed before it started. A write committed while a page is being read may
 * show in the count and not among the rows, or the other way round, as with any two reads.
 *
 * <p>It costs about 200 bytes of heap per instance. A registration is an append; one registered before the newest
 * (the simulated clock set back after instances were registered ahead of it) moves every instance registered
 * after it by one place.
 */
final class InstanceSearch {
    private static final Logger log = LoggerFactory.getLogger(InstanceSearch.class);
    /** Between the searched columns of one instance: {@code q} never holds it, so no match spans two columns. */
    private static final char BETWEEN = '\u0000';

    /** What a search reads of an instance. */
    record Row(long id, long virtualAccountId, long registeredAt, String piid, String hostname, String udiPid,
               String udiSerial) {}

    /** An instance a transaction changed, and the registration time it was listed under (null: it is new). */
    record Touched(long id, Long listedAt) {}

    /** A page: how many instances match, and the ids of the page's, in the list's order. */
    record Found(long total, List<Long> ids) {}

    /** What a transaction changed: the instances noted, and those of them still there, as it leaves them. */
    record Changes(List<Touched> touched, List<Row> rows) {
        /** On the writer, inside the transaction: takes the noted changes, which are then forgotten. */
        static Changes take(InstanceSearchDao dao) {
            List<Touched> touched = dao.touched();
            if (touched.isEmpty()) {
                return new Changes(touched, List.of());
            }
            List<Row> rows = dao.touchedRows();
            dao.forgetTouched();
            return new Changes(touched, rows);
        }
    }

    private final Runnable builder;
    private final Object building = new Object();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private Columns columns = new Columns(0);
    private volatile boolean built;

    /** {@code builder} runs a whole build: {@link InstanceSearchDao#capture}, {@link #prepare}, {@link #install}. */
    InstanceSearch(Runnable builder) {
        this.builder = builder;
    }

    /**
     * The page at {@code offset} of a virtual account's instances whose text holds {@code search} (lower case), in
     * the list's order; built first if it is not. Empty only for a search it cannot answer.
     */
    Optional<Found> find(long virtualAccountId, String search, int limit, int offset) {
        if (search.indexOf(BETWEEN) >= 0) {
            return Optional.empty();
        }
        if (!built) {
            synchronized (building) {
                if (!built) {
                    long started = System.nanoTime();
                    try {
                        builder.run();
                    } catch (RuntimeException e) { // the database's rows are still there to search
                        log.warn("device search not built, searching the database instead: {}", e.getMessage());
                        return Optional.empty();
                    }
                    log.info("device search built in {} ms", (System.nanoTime() - started) / 1_000_000);
                }
            }
        }
        lock.readLock().lock();
        try {
            return built ? Optional.of(columns.find(virtualAccountId, search, limit, offset)) : Optional.empty();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A build's second step, on any thread: every instance of {@code rows} (in the list's order, oldest first). */
    static Columns prepare(Iterable<Row> rows) {
        Columns prepared = new Columns(1024);
        rows.forEach(row -> prepared.insert(prepared.size, row));
        prepared.trim();
        return prepared;
    }

    /**
     * A build's last step, on the writer inside a write: searches {@code prepared} from now on, less the instances
     * changed since its first step ({@link InstanceSearchDao#capture}), which it takes as they are now.
     */
    void install(Columns prepared, InstanceSearchDao dao) {
        Changes changes = Changes.take(dao);
        // The snapshot may hold a changed instance before or after its change: one pass finds it either way.
        Set<Long> changed = new HashSet<>();
        changes.touched().forEach(t -> changed.add(t.id()));
        if (!changed.isEmpty()) {
            for (int i = 0; i < prepared.size; i++) {
                if (changed.contains(prepared.ids[i])) {
                    prepared.remove(i);
                }
            }
        }
        lock.writeLock().lock();
        try {
            columns = prepared;
            built = true;
        } finally {
            lock.writeLock().unlock();
        }
        apply(new Changes(List.of(), changes.rows()));
        log.info("device search holds {} instances", prepared.size - prepared.removed);
    }

    /**
     * On the writer, inside the transaction, after its writes: the instances it changed as it leaves them, and
     * forgets them; null when there is nothing to do. Run what it gives once the transaction is committed.
     */
    Runnable beforeCommit(InstanceSearchDao dao) {
        if (!built) {
            return null;
        }
        Changes changes = Changes.take(dao);
        return changes.touched().isEmpty() ? null : () -> apply(changes);
    }

    /** What the writer does around each commit: see the class comment. */
    GroupCommitWriter.CommitHook upkeep(Supplier<InstanceSearchDao> writer) {
        return new GroupCommitWriter.CommitHook() {
            @Override
            public Runnable beforeCommit() {
                try {
                    return InstanceSearch.this.beforeCommit(writer.get());
                } catch (RuntimeException e) {
                    // never the writes' failure: the search is rebuilt instead
                    log.warn("device search dropped, to be built again at the next search: {}", e.getMessage());
                    drop();
                    return null;
                }
            }

            @Override
            public void failed() {
                drop();
            }
        };
    }

    /** The commit failed: what was applied may not be what the database holds. The next search builds again. */
    void drop() {
        lock.writeLock().lock();
        try {
            built = false;
            columns = new Columns(0);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void apply(Changes changes) {
        lock.writeLock().lock();
        try {
            Columns c = columns;
            for (Touched t : changes.touched()) {
                if (t.listedAt() != null) {
                    int at = c.position(t.listedAt(), t.id());
                    if (at >= 0) {
                        c.remove(at);
                    }
                }
            }
            for (Row row : changes.rows()) {
                int at = c.position(row.registeredAt(), row.id());
                if (at >= 0) {
                    c.replace(at, row);
                } else {
                    c.insert(-at - 1, row);
                }
            }
            if (c.removed > 1024 && c.removed > c.size / 4) {
                c.compact();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The instances, ascending by (registration time, id), so the list's order (newest first) is read backwards. A
     * removed instance keeps its place with a null text until there are many such places.
     */
    static final class Columns {
        private long[] registered;
        private long[] ids;
        private long[] accounts;
        private String[] texts;
        private int size;
        private int removed;

        Columns(int capacity) {
            registered = new long[capacity];
            ids = new long[capacity];
            accounts = new long[capacity];
            texts = new String[capacity];
        }

        Found find(long virtualAccountId, String search, int limit, int offset) {
            List<Long> page = new ArrayList<>(Math.min(limit, 1000));
            long total = 0;
            long end = (long) offset + limit;
            for (int i = size - 1; i >= 0; i--) {
                String text = texts[i];
                if (accounts[i] == virtualAccountId && text != null && text.contains(search)) {
                    if (total >= offset && total < end) {
                        page.add(ids[i]);
                    }
                    total++;
                }
            }
            return new Found(total, page);
        }

        /** Where (registeredAt, id) is, or -(where it would go) - 1. */
        int position(long registeredAt, long id) {
            int low = 0;
            int high = size - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                int c = registered[mid] != registeredAt ? Long.compare(registered[mid], registeredAt)
                        : Long.compare(ids[mid], id);
                if (c < 0) {
                    low = mid + 1;
                } else if (c > 0) {
                    high = mid - 1;
                } else {
                    return mid;
                }
            }
            return -low - 1;
        }

        void insert(int at, Row row) {
            if (size == registered.length) {
                resize(registered.length + registered.length / 2 + 16);
            }
            if (at < size) { // a registration time before the newest: rare (a clock set back, a restore)
                System.arraycopy(registered, at, registered, at + 1, size - at);
                System.arraycopy(ids, at, ids, at + 1, size - at);
                System.arraycopy(accounts, at, accounts, at + 1, size - at);
                System.arraycopy(texts, at, texts, at + 1, size - at);
            }
            set(at, row);
            size++;
        }

        /** Puts {@code row} back at {@code at}, where it is listed (or was, until removed). */
        void replace(int at, Row row) {
            if (texts[at] == null) {
                removed--;
            }
            set(at, row);
        }

        private void set(int at, Row row) {
            registered[at] = row.registeredAt();
            ids[at] = row.id();
            accounts[at] = row.virtualAccountId();
            texts[at] = text(row);
        }

        void remove(int at) {
            if (texts[at] != null) {
                texts[at] = null;
                accounts[at] = -1;
                removed++;
            }
        }

        void compact() {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (texts[i] != null) {
                    registered[kept] = registered[i];
                    ids[kept] = ids[i];
                    accounts[kept] = accounts[i];
                    texts[kept] = texts[i];
                    kept++;
                }
            }
            Arrays.fill(texts, kept, size, null);
            size = kept;
            removed = 0;
        }

        /** Room for the registrations to come, not the last growth's half. */
        void trim() {
            resize(size + size / 8 + 16);
        }

        private void resize(int capacity) {
            registered = Arrays.copyOf(registered, capacity);
            ids = Arrays.copyOf(ids, capacity);
            accounts = Arrays.copyOf(accounts, capacity);
            texts = Arrays.copyOf(texts, capacity);
        }
    }

    /** The searched columns as SQLite's LOWER leaves them (only A to Z lowered), a null host name as empty. */
    static String text(Row row) {
        String joined = row.piid() + BETWEEN + (row.hostname() == null ? "" : row.hostname()) + BETWEEN
                + row.udiPid() + BETWEEN + row.udiSerial();
        char[] chars = null;
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = joined.toCharArray();
                }
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return chars == null ? joined : new String(chars);
    }
}
