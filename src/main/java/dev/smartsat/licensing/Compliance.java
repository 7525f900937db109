package dev.smartsat.licensing;

import dev.smartsat.core.ProductInstance;
import dev.smartsat.store.Store;
import dev.smartsat.config.Catalog;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.ReservationDao;
import dev.smartsat.store.Tx;
import dev.smartsat.store.UsageDao;
import dev.smartsat.store.UsageDao.PoolUsage;
import dev.smartsat.store.UsageDao.UsageRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compliance rules of SPEC §3: what each instance uses, what each pool has left, and who is served
 * first when demand exceeds supply. Running per-pool totals keep an authorization O(1) in the number
 * of instances while the pool is in compliance; only an oversubscribed pool ranks its instances.
 */
public final class Compliance implements Licenses.Usage {
    private final Catalog catalog;

    public Compliance(Catalog catalog) {
        this.catalog = catalog;
    }

    /** One entitlement as a device reports it, and the status it is given. */
    public record Entitlement(String tag, long count, String status) {}

    /** The answer to an AUTH_REQUEST. */
    public record Authorization(String status, List<Entitlement> entitlements) {}

    /**
     * Records an instance's current usage and rates each entitlement. The caller has already moved the
     * instance's authorization expiry; {@code liveUntil} is its new end of counting.
     */
    public Authorization authorize(Tx tx, ProductInstance instance, Map<String, Long> reported, Instant liveUntil,
                                   Instant now) {
        UsageDao usage = tx.usage();
        long va = instance.virtualAccountId();
        boolean wasLive = instance.liveUntil().isAfter(now);
        Map<String, UsageRow> old = new HashMap<>();
        for (UsageRow row : usage.rows(instance.id())) {
            old.put(row.entitlementTag(), row);
        }
        // Tags the instance no longer reports stop counting at once.
        for (UsageRow row : old.values()) {
            if (!reported.containsKey(row.entitlementTag()) || reported.get(row.entitlementTag()) == 0) {
                if (counts(row)) {
                    adjust(tx, va, row.entitlementTag(), wasLive && row.liveUntil().isAfter(now) ? -row.count() : 0, null, now);
                }
                usage.delete(instance.id(), row.entitlementTag());
            }
        }
        List<Entitlement> rated = new ArrayList<>();
        boolean allAuthorized = true;
        boolean any = false;
        for (Map.Entry<String, Long> e : reported.entrySet()) {
            String tag = e.getKey();
            long count = e.getValue();
            if (count == 0) {
                continue;
            }
            any = true;
            UsageRow before = old.get(tag);
            if (!knows(tx, va, tag)) {
                // Kept so the device view shows why the instance is out of compliance; counted nowhere.
                if (before != null && counts(before)) {
                    adjust(tx, va, tag, wasLive && before.liveUntil().isAfter(now) ? -before.count() : 0, null, now);
                }
                if (before == null) {
                    usage.insert(instance.id(), va, tag, count, now, liveUntil, ProductInstance.INVALID_TAG, 0);
                } else {
                    usage.update(count, liveUntil, ProductInstance.INVALID_TAG, instance.id(), tag);
                }
                rated.add(new Entitlement(tag, count, ProductInstance.INVALID_TAG));
                allAuthorized = false;
                continue;
            }
            long counted = before != null && counts(before) && wasLive && before.liveUntil().isAfter(now) ? before.count() : 0;
            PoolUsage pool = adjust(tx, va, tag, count - counted, liveUntil, now);
            boolean queued = before != null && counts(before);
            long position = queued ? before.queuePosition() : usage.nextQueuePosition(va, tag);
            boolean authorized = served(tx, va, tag, pool.inUse(), count, position, !queued, now);
            String status = authorized ? ProductInstance.AUTHORIZED : ProductInstance.OUT_OF_COMPLIANCE;
            if (before == null) {
                usage.insert(instance.id(), va, tag, count, now, liveUntil, status, position);
            } else {
                if (!queued) {
                    // a tag that was invalid and now is known joins the back of the queue
                    usage.moveRow(va, now, position, instance.id(), tag);
                }
                usage.update(count, liveUntil, status, instance.id(), tag);
            }
            rated.add(new Entitlement(tag, count, status));
            allAuthorized &= authorized;
        }
        String status = !any ? ProductInstance.NO_LICENSES_IN_USE
                : allAuthorized ? ProductInstance.AUTHORIZED : ProductInstance.OUT_OF_COMPLIANCE;
        return new Authorization(status, rated);
    }

    /** Rows of invalid tags are shown to administrators but count against no pool. */
    private static boolean counts(UsageRow row) {
        return !ProductInstance.INVALID_TAG.equals(row.status());
    }

    /**
     * Whether an instance's {@code count} fits the supply, given everyone authorized for the tag before it. An
     * instance that has just joined the back of the queue has all the pool's other live usage ahead of it, so it
     * fits exactly when the pool's total does, and the queue need not be scanned.
     */
    private boolean served(Tx tx, long va, String tag, long inUse, long count, long queuePosition, boolean atBack,
                           Instant now) {
        long supply = supply(tx, va, tag, now);
        if (inUse <= supply) {
            return true;
        }
        if (atBack || count > supply) {
            return false;
        }
        long ahead = tx.usage().sumAhead(va, tag, now, queuePosition, supply + 1);
        return ahead + count <= supply;
    }

    /** What a pool can give to smart usage: its unexpired quantity less what reservations hold. */
    long supply(Tx tx, long va, String tag, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long quantity = tx.pools().pool(va, tag).map(p -> p.effectiveQuantity(today)).orElse(0L);
        return quantity - reserved(tx, va, tag);
    }

    /** What a virtual account's reservations hold of a tag, pending updates at their larger quantity. */
    static long reserved(Tx tx, long va, String tag) {
        return tx.reservations().reserved(va, tag);
    }

    /** A tag is valid when the virtual account holds (or held) a pool of it, or the catalog knows it. */
    private boolean knows(Tx tx, long va, String tag) {
        return catalog.byTag(tag).isPresent() || tx.pools().pool(va, tag).isPresent();
    }

    /** Moves the instance's end of counting (a renewal, a registration): its usage may start or stop counting. */
    public void extend(Tx tx, ProductInstance instance, Instant liveUntil, Instant now) {
        UsageDao usage = tx.usage();
        boolean wasLive = instance.liveUntil().isAfter(now);
        boolean isLive = liveUntil.isAfter(now);
        for (UsageRow row : usage.rows(instance.id())) {
            if (counts(row)) {
                long delta = wasLive == isLive ? 0 : isLive ? row.count() : -row.count();
                adjust(tx, row.virtualAccountId(), row.entitlementTag(), delta, liveUntil, now);
            }
        }
        usage.setLiveUntil(liveUntil, instance.id());
    }

    /** Releases everything an instance uses (deregistration, removal, overwrite); returns what it held. */
    public List<Entitlement> release(Tx tx, ProductInstance instance, Instant now) {
        UsageDao usage = tx.usage();
        List<Entitlement> released = new ArrayList<>();
        for (UsageRow row : usage.rows(instance.id())) {
            if (counts(row)) {
                adjust(tx, row.virtualAccountId(), row.entitlementTag(), row.liveUntil().isAfter(now) ? -row.count() : 0,
                        null, now);
                released.add(new Entitlement(row.entitlementTag(), row.count(), row.status()));
            }
        }
        usage.deleteAll(instance.id());
        return released;
    }

    /** Moves an instance's usage to another virtual account, where it queues behind those already there. */
    public void move(Tx tx, ProductInstance instance, long targetVa, Instant now) {
        UsageDao usage = tx.usage();
        for (UsageRow row : usage.rows(instance.id())) {
            if (counts(row)) {
                long live = row.liveUntil().isAfter(now) ? row.count() : 0;
                adjust(tx, row.virtualAccountId(), row.entitlementTag(), -live, null, now);
                adjust(tx, targetVa, row.entitlementTag(), live, row.liveUntil(), now);
            }
            usage.moveRow(targetVa, now, usage.nextQueuePosition(targetVa, row.entitlementTag()), instance.id(),
                    row.entitlementTag());
        }
    }

    /**
     * Adds {@code delta} to a pool's live total, first recomputing the total if the clock has left the
     * range where it is exact (an instance lapsed, or the clock moved back).
     */
    private PoolUsage adjust(Tx tx, long va, String tag, long delta, Instant liveUntil, Instant now) {
        UsageDao usage = tx.usage();
        PoolUsage pool = fresh(tx, va, tag, now);
        Instant next = liveUntil != null && liveUntil.isBefore(pool.nextLapseAt()) ? liveUntil : pool.nextLapseAt();
        if (delta == 0 && next.equals(pool.nextLapseAt())) {
            return pool;
        }
        PoolUsage updated = new PoolUsage(va, tag, pool.inUse() + delta, next, pool.computedAt());
        usage.putPool(va, tag, updated.inUse(), updated.nextLapseAt(), updated.computedAt());
        return updated;
    }

    /** The pool's total as of {@code now}, recomputed (and stored) only when the stored one may be stale. */
    private PoolUsage fresh(Tx tx, long va, String tag, Instant now) {
        UsageDao usage = tx.usage();
        PoolUsage pool = usage.pool(va, tag).orElse(null);
        if (pool != null && isExact(pool, now)) {
            return pool;
        }
        PoolUsage computed = compute(usage, va, tag, now);
        usage.putPool(va, tag, computed.inUse(), computed.nextLapseAt(), computed.computedAt());
        return computed;
    }

    private static boolean isExact(PoolUsage pool, Instant now) {
        return !now.isBefore(pool.computedAt()) && now.isBefore(pool.nextLapseAt());
    }

    private static PoolUsage compute(UsageDao usage, long va, String tag, Instant now) {
        long inUse = usage.sumLive(va, tag, now);
        Instant next = usage.nextLapse(va, tag, now).orElse(Instant.MAX.minusSeconds(1));
        return new PoolUsage(va, tag, inUse, clamp(next), now);
    }

    /** Epoch-millisecond storage cannot hold Instant.MAX. */
    private static Instant clamp(Instant t) {
        Instant far = Instant.parse("9999-12-31T00:00:00Z");
        return t.isAfter(far) ? far : t;
    }

    /** Live usage per tag of a virtual account, for license views: read only, recomputing stale totals. */
    @Override
    public Map<String, long[]> of(Tx tx, long virtualAccountId, Instant now) {
        UsageDao usage = tx.usage();
        Map<String, long[]> out = new LinkedHashMap<>();
        for (PoolUsage pool : usage.pools(virtualAccountId)) {
            long inUse = isExact(pool, now) ? pool.inUse() : usage.sumLive(virtualAccountId, pool.entitlementTag(), now);
            out.put(pool.entitlementTag(), new long[] {inUse, 0});
        }
        for (ReservationDao.TagTotal total : tx.reservations().reservedByTag(virtualAccountId)) {
            out.computeIfAbsent(total.entitlementTag(), tag -> new long[2])[1] = total.reserved();
        }
        return out;
    }

    @Override
    public String displayName(String tag) {
        return catalog.byTag(tag).map(Catalog.Entitlement::displayName).orElse(tag);
    }
}
