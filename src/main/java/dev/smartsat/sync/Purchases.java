package dev.smartsat.sync;

import dev.smartsat.config.Catalog;
import dev.smartsat.licensing.Accounts;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.LicensePool;
import dev.smartsat.core.VirtualAccount;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * Purchases on the upstream, the simulated vendor cloud (SPEC §4): licenses added to a virtual account's
 * pool of the tag, which satellites receive at their next sync. Only the upstream sells licenses.
 */
public final class Purchases {
    static final long MAX_QUANTITY = 1_000_000_000L;

    private final Store store;
    private final Catalog catalog;

    public Purchases(Store store, Catalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    /** What is bought; {@code entitlementTag} may also be a catalog key such as {@code EXPWY_RMS}. */
    public record Purchase(String entitlementTag, String displayName, long quantity, String licenseType,
                           LocalDate endDate) {}

    /** Adds the purchase to the virtual account's pool of the tag, creating the pool if it has none. */
    public void purchase(String account, String virtualAccount, Purchase purchase) {
        Optional<Catalog.Entitlement> known = catalog.byTag(purchase.entitlementTag())
                .or(() -> catalog.byKey(purchase.entitlementTag()));
        String tag = known.map(Catalog.Entitlement::tag).orElse(purchase.entitlementTag());
        if (known.isEmpty() && !Catalog.TAG.matcher(tag).matches()) {
            throw new ClientError.Unprocessable("entitlementTag", "entitlementTag must be a catalog tag or key, or an"
                    + " ISO 19770-2 style tag regid.<yyyy-mm>.com.cisco.<NAME>,<version>_<uuid>; not '" + tag + "'");
        }
        String displayName = purchase.displayName() != null ? purchase.displayName().strip()
                : known.map(Catalog.Entitlement::displayName).orElse(tag);
        if (displayName.isEmpty() || displayName.length() > PayloadChecks.MAX_TAG) {
            throw new ClientError.Unprocessable("displayName", "displayName must be 1 to " + PayloadChecks.MAX_TAG
                    + " characters");
        }
        if (purchase.quantity() < 1 || purchase.quantity() > MAX_QUANTITY) {
            throw new ClientError.Unprocessable("quantity", "quantity must be from 1 to " + MAX_QUANTITY + ", not "
                    + purchase.quantity());
        }
        String type = purchase.licenseType();
        if (!PayloadChecks.LICENSE_TYPES.contains(type)) {
            throw new ClientError.Unprocessable("licenseType", "licenseType must be PERPETUAL or TERM, not '" + type + "'");
        }
        if (type.equals("TERM") != (purchase.endDate() != null)) {
            throw new ClientError.Unprocessable("endDate", type.equals("TERM")
                    ? "a TERM license needs an endDate (YYYY-MM-DD)" : "a PERPETUAL license has no endDate: send null");
        }
        store.write(tx -> {
            VirtualAccount va = Accounts.virtualAccount(tx, account, virtualAccount);
            LicensePoolDao pools = tx.pools();
            Optional<LicensePool> pool = pools.pool(va.id(), tag);
            if (pool.isEmpty()) {
                pools.insert(va.id(), tag, displayName, type, purchase.quantity(), purchase.endDate());
            } else if (!pool.get().licenseType().equals(type) || !Objects.equals(pool.get().endDate(), purchase.endDate())) {
                throw new ClientError.Conflict("licenseType", "virtual account '" + va.name() + "' holds " + tag
                        + " as " + pool.get().licenseType() + (pool.get().endDate() == null ? ""
                        : " ending " + pool.get().endDate()) + "; a purchase adding to it must have the same"
                        + " licenseType and endDate");
            } else {
                pools.addQuantity(purchase.quantity(), pool.get().id());
            }
            return null;
        });
    }
}
