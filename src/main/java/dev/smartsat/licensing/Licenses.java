package dev.smartsat.licensing;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.SmartAccount;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import dev.smartsat.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/** License pools as administrators see them, account-wide search, and transfers between virtual accounts. */
public final class Licenses {
    private final Store store;
    private final Clock clock;
    private final Usage usage;

    /** How much of each tag a virtual account's devices use and its reservations hold. */
    public interface Usage {
        /** Tag to {inUse, reserved} for one virtual account, as of {@code now}. */
        Map<String, long[]> of(Tx tx, long virtualAccountId, Instant now);

        /** A display name for a tag in use that the virtual account holds no pool of. */
        String displayName(String tag);
    }

    /** One line of a transfer request: move {@code quantity} unused licenses of a tag to another virtual account. */
    public record Transfer(String entitlementTag, long quantity, String targetVirtualAccount) {}

    /** A page of license views across virtual accounts. */
    public record Page(long totalRecords, List<LicenseView> licenses) {}

    public Licenses(Store store, Clock clock, Usage usage) {
        this.store = store;
        this.clock = clock;
        this.usage = usage;
    }

    /** The name administrators know a tag by when no pool is at hand: the catalog's, or the tag itself. */
    public String displayName(String tag) {
        return usage.displayName(tag);
    }

    public List<LicenseView> view(String account, String virtualAccount) {
        return store.read(tx -> views(tx, Accounts.virtualAccount(tx, account, virtualAccount)));
    }

    /** Licenses of several virtual accounts (all of them when {@code names} is empty), paged. */
    public Page search(String account, List<String> names, int limit, int offset) {
        return store.read(tx -> {
            SmartAccount sa = Accounts.account(tx, account);
            List<VirtualAccount> vas = new ArrayList<>();
            if (names.isEmpty()) {
                vas.addAll(tx.accounts().virtualAccounts(sa.id(), Integer.MAX_VALUE, 0));
            } else {
                for (String name : names) {
                    vas.add(Accounts.virtualAccount(tx, account, name));
                }
            }
            List<LicenseView> all = new ArrayList<>();
            for (VirtualAccount va : vas) {
                all.addAll(views(tx, va));
            }
            int from = Math.min(offset, all.size());
            int to = (int) Math.min((long) from + limit, all.size());
            return new Page(all.size(), List.copyOf(all.subList(from, to)));
        });
    }

    List<LicenseView> views(Tx tx, VirtualAccount va) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<String, long[]> used = usage.of(tx, va.id(), now);
        List<LicenseView> views = new ArrayList<>();
        Set<String> pooled = new HashSet<>();
        for (LicensePool pool : tx.pools().byVirtualAccount(va.id())) {
            long[] u = used.getOrDefault(pool.entitlementTag(), new long[2]);
            views.add(LicenseView.of(va.name(), pool, today, u[0], u[1]));
            pooled.add(pool.entitlementTag());
        }
        // Usage of a tag the virtual account holds no licenses of is all overage: show it.
        used.forEach((tag, u) -> {
            if (!pooled.contains(tag) && (u[0] > 0 || u[1] > 0)) {
                LicensePool none = new LicensePool(0, va.id(), tag, usage.displayName(tag), "PERPETUAL", 0, null);
                views.add(LicenseView.of(va.name(), none, today, u[0], u[1]));
            }
        });
        return views;
    }

    /**
     * Moves unused quantity from one virtual account to others, all lines or none: a line asking for
     * more than the pool's balance fails the whole transfer with 409.
     */
    public List<LicenseView> transfer(String account, String virtualAccount, List<Transfer> transfers) {
        if (transfers.isEmpty()) {
            throw new ClientError.Unprocessable("licenses", "licenses must name at least one transfer");
        }
        for (int i = 0; i < transfers.size(); i++) {
            if (transfers.get(i).quantity() < 1) {
                throw new ClientError.Unprocessable("licenses[" + i + "].quantity",
                        "quantity must be at least 1, not " + transfers.get(i).quantity());
            }
        }
        return store.write(tx -> {
            VirtualAccount source = Accounts.virtualAccount(tx, account, virtualAccount);
            LicensePoolDao pools = tx.pools();
            Instant now = clock.instant();
            for (int i = 0; i < transfers.size(); i++) {
                Transfer t = transfers.get(i);
                String field = "licenses[" + i + "]";
                VirtualAccount target = Accounts.virtualAccount(tx, account, t.targetVirtualAccount());
                if (target.id() == source.id()) {
                    throw new ClientError.Unprocessable(field + ".targetVirtualAccount",
                            "targetVirtualAccount must differ from the source virtual account '" + source.name() + "'");
                }
                LicensePool pool = pools.pool(source.id(), t.entitlementTag()).orElseThrow(() -> new ClientError.NotFound(
                        "virtual account '" + source.name() + "' holds no licenses with tag " + t.entitlementTag()));
                long balance = balance(tx, source, pool, now);
                if (t.quantity() > balance) {
                    throw new ClientError.Conflict(field + ".quantity", "only " + Math.max(balance, 0)
                            + " unused '" + pool.displayName() + "' licenses can move from '" + source.name()
                            + "', not " + t.quantity());
                }
                move(tx, pool, target.id(), t.quantity());
                pools.recordTransfer(now, source.id(), target.id(), pool.entitlementTag(), t.quantity());
                String message = "Transferred " + t.quantity() + " '" + pool.displayName() + "' from '"
                        + source.name() + "' to '" + target.name() + "'";
                Events.record(tx, now, EventType.LICENSES_TRANSFERRED, source, null, message);
                Events.record(tx, now, EventType.LICENSES_TRANSFERRED, target, null, message);
            }
            return views(tx, source);
        });
    }

    /**
     * Moves {@code quantity} of {@code source} to the same tag's pool of another virtual account, creating
     * it with the source's name, type and end date when there is none. Also how the sync replays transfers.
     */
    public static void move(Tx tx, LicensePool source, long targetVirtualAccountId, long quantity) {
        LicensePoolDao pools = tx.pools();
        var target = pools.pool(targetVirtualAccountId, source.entitlementTag());
        if (target.isPresent()) {
            // The two rows in the order of their ids: transfers between the same pools in opposite directions, on
            // PostgreSQL's concurrent writers, then lock them in one order and never deadlock (which PostgreSQL
            // detects only after deadlock_timeout, a second by default).
            boolean targetFirst = target.get().id() < source.id();
            pools.addQuantity(targetFirst ? quantity : -quantity, targetFirst ? target.get().id() : source.id());
            pools.addQuantity(targetFirst ? -quantity : quantity, targetFirst ? source.id() : target.get().id());
        } else {
            pools.addQuantity(-quantity, source.id());
            pools.insert(targetVirtualAccountId, source.entitlementTag(), source.displayName(), source.licenseType(),
                    quantity, source.endDate());
        }
    }

    private long balance(Tx tx, VirtualAccount va, LicensePool pool, Instant now) {
        long[] u = usage.of(tx, va.id(), now).getOrDefault(pool.entitlementTag(), new long[2]);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return pool.effectiveQuantity(today) - u[0] - u[1];
    }
}
