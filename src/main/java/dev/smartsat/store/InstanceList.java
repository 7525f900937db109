package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A virtual account's product instances a page at a time, as the device list shows them (SPEC §4: {@code status},
 * {@code q}, {@code limit}, {@code offset}, {@code totalRecords}), newest registration first and then by id, the same
 * rows in the same order on every database. On SQLite (V12) an unsearched page is found through {@link InstanceTally}
 * and {@code q} through the trigram index; PostgreSQL, and SQLite when the tally cannot help, count and step over the
 * rows.
 */
public final class InstanceList {
    /** LIKE on each searched column: {@code :q} is the search text between two {@code %}. */
    private static final String LIKE = "(LOWER(piid) LIKE :q OR LOWER(COALESCE(hostname, '')) LIKE :q"
            + " OR LOWER(udi_pid) LIKE :q OR LOWER(udi_serial) LIKE :q)";
    /** The trigram index of V12: {@code :q} is the search text as one FTS5 phrase. */
    private static final String TRIGRAMS = "id IN (SELECT rowid FROM instance_search WHERE instance_search MATCH :q)";
    /** The instances the trigram index found: {@code :q} is their ids, a JSON array. */
    private static final String FOUND = "id IN (SELECT value FROM json_each(:q))";
    /** The trigram tokenizer indexes sequences of three characters: a shorter text has none to look up. */
    private static final int TRIGRAM = 3;
    /**
     * Up to this many instances found by the trigram index are read by id and sorted, the index asked once for them
     * all; more are better found by stepping through the virtual account's instances in list order and looking each
     * up among them (SQLite's own choice, which for a few would step through all). At 1,000,000 instances: one found
     * costs 15 ms of CPU by id and 63 ms stepping; all of them, 1.3 s by id and 0.4 s stepping.
     */
    private static final int FEW = 10_000;

    /** One page and the number of instances on all pages. */
    public record Page(long totalRecords, List<ProductInstance> instances) {}

    private final Tx tx;
    private final boolean tallied;
    private final int maxLapsed;

    InstanceList(Tx tx, boolean tallied) {
        this(tx, tallied, InstanceTally.MAX_LAPSED);
    }

    /** {@code maxLapsed}: see {@link InstanceTally#MAX_LAPSED}; tests lower it. */
    InstanceList(Tx tx, boolean tallied, int maxLapsed) {
        this.tx = tx;
        this.tallied = tallied;
        this.maxLapsed = maxLapsed;
    }

    /**
     * The page at {@code offset}: {@code status} is a registration or authorization status (null for all), {@code
     * search} a lower-case text that identifier, host name, PID or serial contains (null for any) — with SQLite's
     * trigram index a text of three characters or more is also found in upper-case non-ASCII letters, as on
     * PostgreSQL, where a shorter one is compared by SQLite's LOWER, which folds ASCII only.
     */
    public Page page(long va, String status, String search, Instant now, int limit, int offset) {
        InstanceDao dao = tx.instances();
        if (ProductInstance.RESERVED.equals(status)) {
            String like = search == null ? null : "%" + search + "%";
            return new Page(dao.countReserved(va, like), dao.listReserved(va, like, limit, offset));
        }
        InstanceFilter filter = InstanceFilter.of(status);
        if (search == null && tallied) {
            Optional<Page> page = new InstanceTally(tx.tally(), maxLapsed).page(va, filter, now, limit, offset);
            if (page.isPresent()) {
                return page.get();
            }
        }
        String plan = "";
        String condition = "1 = 1";
        String q = null;
        if (search != null && tallied && search.codePointCount(0, search.length()) >= TRIGRAM) {
            String phrase = "\"" + search.replace("\"", "\"\"") + "\"";
            List<Long> found = tx.tally().found(phrase, FEW + 1);
            if (found.size() <= FEW) {
                plan = "NOT INDEXED";
                condition = FOUND;
                q = found.toString();
            } else {
                condition = TRIGRAMS;
                q = phrase;
            }
        } else if (search != null) {
            condition = LIKE;
            q = "%" + search + "%";
        }
        return new Page(dao.count(plan, condition, filter.rows, va, q, now),
                dao.list(plan, condition, filter.rows, va, q, now, limit, offset));
    }
}
