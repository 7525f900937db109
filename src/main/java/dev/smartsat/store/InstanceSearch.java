package dev.smartsat.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

    private final Runnable builder;
    private final Object building = new Object();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    // Ascending by (registered, id), so the list's order (newest first) is read backwards. A removed instance
    // keeps its place with a null text until there are many such places.
    private long[] registered = new long[0];
    private long[] ids = new long[0];
    private long[] accounts = new long[0];
    private String[] texts = new String[0];
    private int size;
    private int removed;
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
                    log.info("device search built: {} instances in {} ms", size, (System.nanoTime() - started) / 1_000_000);
                }
            }
        }
        lock.readLock().lock();
        try {
            if (!built) {
                return Optional.empty();
            }
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
            return Optional.of(new Found(total, page));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The arrays of a build, filled from one snapshot on the builder's thread and not yet searched. */
    record Prepared(long[] registered, long[] ids, long[] accounts, String[] texts, int size) {}

    /** A build's second step, on any thread: every instance of {@code rows} (in the list's order, oldest first). */
    static Prepared prepare(Iterable<Row> rows) {
        int capacity = 1024;
        long[] registered = new long[capacity];
        long[] ids = new long[capacity];
        long[] accounts = new long[capacity];
        String[] texts = new String[capacity];
        int n = 0;
        for (Row row : rows) {
            if (n == capacity) {
                capacity += capacity / 2;
                registered = Arrays.copyOf(registered, capacity);
                ids = Arrays.copyOf(ids, capacity);
                accounts = Arrays.copyOf(accounts, capacity);
                texts = Arrays.copyOf(texts, capacity);
            }
            registered[n] = row.registeredAt();
            ids[n] = row.id();
            accounts[n] = row.virtualAccountId();
            texts[n] = text(row);
            n++;
        }
        int kept = n + n / 8 + 16; // room for the registrations to come, not the last growth's half
        return new Prepared(Arrays.copyOf(registered, kept), Arrays.copyOf(ids, kept), Arrays.copyOf(accounts, kept),
                Arrays.copyOf(texts, kept), n);
    }

    /**
     * A build's last step, on the writer inside a write: searches {@code prepared} from now on, less the instances
     * changed since its first step ({@link InstanceSearchDao#capture}), which it takes as they are now.
     */
    void install(Prepared prepared, InstanceSearchDao dao) {
        List<Touched> touched = dao.touched();
        List<Row> current = dao.touchedRows();
        dao.forgetTouched();
        lock.writeLock().lock();
        try {
            registered = prepared.registered();
            ids = prepared.ids();
            accounts = prepared.accounts();
            texts = prepared.texts();
            size = prepared.size();
            removed = 0;
            if (!touched.isEmpty()) { // the snapshot may hold them before or after their change: one pass finds them
                java.util.Set<Long> changed = new java.util.HashSet<>();
                touched.forEach(t -> changed.add(t.id()));
                for (int i = 0; i < size; i++) {
                    if (changed.contains(ids[i])) {
                        texts[i] = null;
                        accounts[i] = -1;
                        removed++;
                    }
                }
            }
            built = true;
        } finally {
            lock.writeLock().unlock();
        }
        apply(List.of(), current);
    }

    /**
     * On the writer, inside the transaction, after its writes: the instances it changed as it leaves them, and
     * forgets them; null when there is nothing to do. Run what it gives once the transaction is committed.
     */
    Runnable beforeCommit(InstanceSearchDao dao) {
        if (!built) {
            return null;
        }
        List<Touched> touched = dao.touched();
        if (touched.isEmpty()) {
            return null;
        }
        List<Row> rows = dao.touchedRows();
        dao.forgetTouched();
        return () -> apply(touched, rows);
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
            registered = ids = accounts = new long[0];
            texts = new String[0];
            size = removed = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void apply(List<Touched> touched, List<Row> rows) {
        lock.writeLock().lock();
        try {
            for (Touched t : touched) {
                if (t.listedAt() != null) {
                    int at = position(t.listedAt(), t.id());
                    if (at >= 0 && texts[at] != null) {
                        texts[at] = null;
                        accounts[at] = -1;
                        removed++;
                    }
                }
            }
            for (Row row : rows) {
                int at = position(row.registeredAt(), row.id());
                if (at >= 0) {
                    if (texts[at] == null) {
                        removed--;
                    }
                    set(at, row);
                } else {
                    insert(-at - 1, row);
                }
            }
            if (removed > 1024 && removed > size / 4) {
                compact();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Where (registeredAt, id) is, or -(where it would go) - 1. */
    private int position(long registeredAt, long id) {
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

    private void insert(int at, Row row) {
        if (size == registered.length) {
            int grown = registered.length + registered.length / 2 + 16;
            registered = Arrays.copyOf(registered, grown);
            ids = Arrays.copyOf(ids, grown);
            accounts = Arrays.copyOf(accounts, grown);
            texts = Arrays.copyOf(texts, grown);
        }
        if (at < size) { // a registration time before the newest: rare (a clock moved back, a restore)
            System.arraycopy(registered, at, registered, at + 1, size - at);
            System.arraycopy(ids, at, ids, at + 1, size - at);
            System.arraycopy(accounts, at, accounts, at + 1, size - at);
            System.arraycopy(texts, at, texts, at + 1, size - at);
        }
        set(at, row);
        size++;
    }

    private void compact() {
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

    private void set(int at, Row row) {
        registered[at] = row.registeredAt();
        ids[at] = row.id();
        accounts[at] = row.virtualAccountId();
        texts[at] = text(row);
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
