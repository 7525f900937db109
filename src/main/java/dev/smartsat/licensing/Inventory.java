package dev.smartsat.licensing;

import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.InstanceDao;
import dev.smartsat.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** What the whole satellite holds, counted for the metrics: instances by status, and every license pool. */
public final class Inventory {
    private final Store store;
    private final Clock clock;
    private final Licenses licenses;

    /** One pool as the license list shows it, with the accounts it belongs to. */
    public record Pool(String account, String virtualAccount, String entitlementTag, long quantity, long inUse) {}

    public Inventory(Store store, Clock clock, Licenses licenses) {
        this.store = store;
        this.clock = clock;
        this.licenses = licenses;
    }

    public List<InstanceDao.StatusCount> instancesByStatus() {
        return store.read(tx -> tx.instances().countByStatus(clock.instant()));
    }

    /** Every pool of every virtual account, with the same quantity and in-use as {@code GET …/licenses}. */
    public List<Pool> pools() {
        return store.read(tx -> {
            List<Pool> pools = new ArrayList<>();
            for (SmartAccount account : tx.accounts().accounts()) {
                for (VirtualAccount va : tx.accounts().virtualAccounts(account.id(), Integer.MAX_VALUE, 0)) {
                    for (LicenseView view : licenses.views(tx, va)) {
                        pools.add(new Pool(account.name(), va.name(), view.entitlementTag(), view.quantity(),
                                view.inUse()));
                    }
                }
            }
            return pools;
        });
    }
}
