package dev.smartsat.licensing;

import dev.smartsat.core.LicensePool;
import java.time.LocalDate;

/** A pool as an administrator sees it: supply, what reservations and live devices take, and status. */
public record LicenseView(
        String virtualAccount,
        String license,
        String entitlementTag,
        String licenseType,
        long quantity,
        long inUse,
        long reserved,
        long balance,
        String status,
        LocalDate endDate) {

    public static final String IN_COMPLIANCE = "In Compliance";
    public static final String OUT_OF_COMPLIANCE = "Out of Compliance";

    static LicenseView of(String virtualAccount, LicensePool pool, LocalDate today, long inUse, long reserved) {
        long quantity = pool.effectiveQuantity(today);
        long balance = quantity - reserved - inUse;
        return new LicenseView(virtualAccount, pool.displayName(), pool.entitlementTag(), pool.licenseType(),
                quantity, inUse, reserved, balance, balance < 0 ? OUT_OF_COMPLIANCE : IN_COMPLIANCE, pool.endDate());
    }
}
