package dev.smartsat.sync;

import dev.smartsat.core.SyncState;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.SyncDao;
import dev.smartsat.store.Tx;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Applies an accepted sync response, inside the one store write that accepted it, so a failure anywhere
 * undoes all of it: each virtual account's pools become the upstream's (a virtual account new upstream is
 * created), the local transfers the upstream had not yet seen are replayed on top, and the sync state
 * moves on. Usage stays the satellite's own.
 */
final class ResponseApplier {
    /** What an application changed, for the event and the log. */
    record Outcome(int virtualAccounts, int created, int pools, int replayed) {
        String describe() {
            return virtualAccounts + " virtual account" + (virtualAccounts == 1 ? "" : "s")
                    + (created > 0 ? " (" + created + " new)" : "") + ", " + pools + " license pool"
                    + (pools == 1 ? "" : "s") + (replayed > 0 ? ", " + replayed + " local transfer"
                    + (replayed == 1 ? "" : "s") + " not yet seen upstream kept" : "");
        }
    }

    private ResponseApplier() {}

    /** {@code probe} runs between the pools and the rest: the test hook that proves a failure there undoes all. */
    static Outcome apply(Tx tx, SmartAccount account, SyncState state, SyncResponse response, String digest,
                         Instant now, Consumer<Tx> probe) {
        AccountDao accounts = tx.accounts();
        int created = 0;
        int pools = 0;
        for (SyncResponse.VirtualAccountPools upstream : response.virtualAccounts()) {
            String name = Accounts.validName(upstream.name());
            VirtualAccount va = accounts.virtualAccount(account.id(), name).orElse(null);
            if (va == null) {
                long id = accounts.insertVirtualAccount(account.id(), name, AccountDao.key(name), upstream.description(),
                        false, now);
                va = new VirtualAccount(id, account.id(), name, upstream.description(), false);
                Events.record(tx, now, EventType.VIRTUAL_ACCOUNT_CREATED, va, null,
                        "Virtual account '" + name + "' created by synchronization with the upstream");
                created++;
            }
            replacePools(tx, va, upstream.licenses());
            pools += upstream.licenses().size();
        }
        probe.accept(tx);
        SyncDao dao = tx.sync();
        int replayed = 0;
        for (SyncDao.TransferLine t : dao.transfersAfter(response.transfersApplied(), account.id())) {
            TransferReplay.replay(tx, t.fromVaId(), t.toVaId(), t.entitlementTag(), t.quantity());
            replayed++;
        }
        dao.applied(response.sequence(), digest, Math.max(state.transfersAcknowledged(), response.transfersApplied()),
                now);
        return new Outcome(response.virtualAccounts().size(), created, pools, replayed);
    }

    /** The virtual account's pools become exactly {@code upstream}: updated, added, and removed. */
    private static void replacePools(Tx tx, VirtualAccount va, List<SyncResponse.Pool> upstream) {
        LicensePoolDao dao = tx.pools();
        Map<String, LicensePool> existing = new HashMap<>();
        for (LicensePool pool : dao.byVirtualAccount(va.id())) {
            existing.put(pool.entitlementTag(), pool);
        }
        for (SyncResponse.Pool pool : upstream) {
            LicensePool have = existing.remove(pool.entitlementTag());
            if (have == null) {
                dao.insert(va.id(), pool.entitlementTag(), pool.displayName(), pool.licenseType(), pool.quantity(),
                        pool.endDate());
            } else if (!sameAs(have, pool)) {
                dao.update(pool.displayName(), pool.licenseType(), pool.quantity(), pool.endDate(), have.id());
            }
        }
        for (LicensePool gone : existing.values()) {
            dao.delete(gone.id());
        }
    }

    private static boolean sameAs(LicensePool have, SyncResponse.Pool pool) {
        return have.quantity() == pool.quantity() && have.displayName().equals(pool.displayName())
                && have.licenseType().equals(pool.licenseType()) && Objects.equals(have.endDate(), pool.endDate());
    }
}
