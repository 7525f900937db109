package dev.smartsat.reservation;

import dev.smartsat.config.Catalog;
import dev.smartsat.licensing.Compliance;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one write takes from a virtual account's pools for reservations, against the pools' balance when it
 * began: their usage and reservations are read once, on the first line that needs them, and each line taken
 * lowers the balance the next one sees. A reservation may never exceed the balance.
 */
final class PoolLedger {
    private final Tx tx;
    private final VirtualAccount va;
    private final Instant now;
    private final Catalog catalog;
    private final Compliance compliance;
    private final Map<String, Long> taken = new HashMap<>();
    private Map<String, long[]> used;

    PoolLedger(Tx tx, VirtualAccount va, Instant now, Catalog catalog, Compliance compliance) {
        this.tx = tx;
        this.va = va;
        this.now = now;
        this.catalog = catalog;
        this.compliance = compliance;
    }

    /**
     * Takes {@code quantity} of a tag; returns why it cannot, or null. {@code already} is what the reservation
     * being changed holds of the tag now, which is in the pool's reserved total.
     */
    String take(String tag, long quantity, long already) {
        Optional<LicensePool> pool = tx.pools().pool(va.id(), tag);
        if (pool.isEmpty() && catalog.byTag(tag).isEmpty()) {
            return "entitlementTag " + Reservations.shown(tag) + " is not a license this satellite knows";
        }
        long more = quantity - already;
        if (more <= 0) {
            return null;
        }
        String name = pool.map(LicensePool::displayName).orElseGet(() -> compliance.displayName(tag));
        long left = pool.map(p -> p.effectiveQuantity(LocalDate.ofInstant(now, ZoneOffset.UTC))).orElse(0L);
        if (used == null) {
            used = compliance.of(tx, va.id(), now);
        }
        long[] inUseAndReserved = used.getOrDefault(tag, new long[2]);
        long balance = left - inUseAndReserved[0] - inUseAndReserved[1] - taken.getOrDefault(tag, 0L);
        if (more > balance) {
            return "only " + Math.max(balance, 0) + " '" + name + "' licenses are available in virtual account '"
                    + va.name() + "', not " + more + "; a reservation cannot exceed the pool's balance";
        }
        taken.merge(tag, more, Long::sum);
        return null;
    }
}
