package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual account's product instances a page at a time, as the device list shows them (SPEC §4: {@code status},
 * {@code q}, {@code limit}, {@code offset}, {@code totalRecords}), newest registration first and then by id, the same
 * rows in the same order on every database. On SQLite (V12) an unsearched page is found through {@link InstanceTally},
 * {@code q} alone through {@link InstanceSearch} in memory, and {@code q} with a status through the trigram index;
 * PostgreSQL, and SQLite when neither can help, count and step over the rows.
 */
public final class InstanceList {
    /** LIKE on each searched column: {@code :q} is the search text between two {@code %}. */
    private static final String LIKE = "(LOWER(piid) LIKE :q OR LOWER(COALESCE(hostname, '')) LIKE :q"
            + " OR LOWER(udi_pid) LIKE :q OR LOWER(udi_serial) LIKE :q)";
    /**
     * Among the instances V12's trigram index found ({@code :found}, their ids as a JSON array), those LIKE finds: the
     * index also folds non-ASCII capitals, which SQLite's LOWER and LIKE leave as they are, so q means one thing.
     */
    private static final String FOUND = "id IN (SELECT value FROM json_each(:found)) AND " + LIKE;
    /** The trigram tokenizer indexes sequences of three characters: a shorter text has none to look up. */
    private static final int TRIGRAM = 3;
    /**
     * Up to this many instances found by the trigram index are read by id and sorted. More are found as before, by
     * LIKE on every instance of the virtual account, which at 1,000,000 instances all found costs 0.8 s a page against
     * 1.0–1.3 s for looking each instance up among those the index found.
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
     * search} a lower-case text that identifier, host name, PID or serial contains (null for any).
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
        if (search != null && status == null && tx.search() != null) {
            Optional<InstanceSearch.Found> found = tx.search().find(va, search, limit, offset);
            if (found.isPresent()) {
                return new Page(found.get().total(), inOrder(found.get().ids()));
            }
        }
        String plan = "";
        String condition = search == null ? "1 = 1" : LIKE;
        String q = search == null ? null : "%" + search + "%";
        String ids = null;
        if (search != null && tallied && search.codePointCount(0, search.length()) >= TRIGRAM) {
            List<Long> found = tx.tally().found("\"" + search.replace("\"", "\"\"") + "\"", FEW + 1);
            if (found.size() <= FEW) {
                plan = "NOT INDEXED";
                condition = FOUND;
                ids = found.toString();
            }
        }
        return new Page(dao.count(plan, condition, filter.rows, va, q, ids, now),
                dao.list(plan, condition, filter.rows, va, q, ids, now, limit, offset));
    }

    /** The instances of {@code ids}, in that order; one deleted since the ids were found is left out. */
    private List<ProductInstance> inOrder(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, ProductInstance> byId = new HashMap<>();
        tx.tally().byIds(ids).forEach(i -> byId.put(i.id(), i));
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }
}
