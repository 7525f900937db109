package dev.smartsat.core;

import java.time.LocalDate;

/** Purchased licenses of one entitlement tag held by one virtual account. */
public record LicensePool(
        long id,
        long virtualAccountId,
        String entitlementTag,
        String displayName,
        String licenseType,
        long quantity,
        LocalDate endDate) {

    /** The quantity that counts today: a term license past its end date counts for nothing. */
    public long effectiveQuantity(LocalDate today) {
        return endDate != null && endDate.isBefore(today) ? 0 : quantity;
    }
}
