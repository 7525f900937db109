package dev.smartsat.licensing;

import dev.smartsat.config.Catalog;
import dev.smartsat.config.ConfigException;
import dev.smartsat.config.Settings;
import dev.smartsat.store.AccountDao;
import dev.smartsat.store.LeaseDao;
import dev.smartsat.store.LicensePoolDao;
import dev.smartsat.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the configured smart account, virtual accounts and pools into an empty database, once: of several nodes
 * starting at once on a new database (SPEC §10), the first seeds and the others find its accounts.
 */
public final class Seeder {
    private static final Logger log = LoggerFactory.getLogger(Seeder.class);

    private Seeder() {}

    /** Seeds when the database holds no smart account; returns whether it did. */
    public static boolean seedIfEmpty(Store store, Settings.Seed seed, Catalog catalog, Clock clock) {
        if (seed == null || seed.account() == null) {
            return false;
        }
        return store.write(tx -> {
            // The look and the seeding are one transaction under the lock, so a node that starts beside another
            // looks only once the other's seeding is committed (on SQLite the single writer serialises them anyway).
            tx.leases().lock(LeaseDao.FIRST_START);
            AccountDao accounts = tx.accounts();
            if (accounts.countAccounts() > 0) {
                return false;
            }
            Instant now = clock.instant();
            long accountId = accounts.insertAccount(seed.account().name(), seed.account().domain(), now);
            LicensePoolDao pools = tx.pools();
            for (Settings.SeedVirtualAccount va : seed.virtualAccounts()) {
                long vaId = accounts.insertVirtualAccount(accountId, va.name(), AccountDao.key(va.name()), va.description(),
                        va.isDefault(), now);
                for (Settings.SeedLicense license : va.licenses() == null ? java.util.List.<Settings.SeedLicense>of()
                        : va.licenses()) {
                    Catalog.Entitlement e = catalog.byKey(license.tag()).or(() -> catalog.byTag(license.tag()))
                            .orElseThrow(() -> new ConfigException("seed license " + license.tag()
                                    + " of virtual account " + va.name() + " is not in the catalog"));
                    pools.insert(vaId, e.tag(), e.displayName(),
                            license.licenseType() == null ? "PERPETUAL" : license.licenseType(),
                            license.quantity(), endDate(license));
                }
            }
            log.info("seeded smart account '{}' with {} virtual accounts", seed.account().name(),
                    seed.virtualAccounts().size());
            return true;
        });
    }

    private static LocalDate endDate(Settings.SeedLicense license) {
        if (license.endDate() == null || license.endDate().isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(license.endDate());
        } catch (DateTimeParseException e) {
            throw new ConfigException("seed license " + license.tag() + " has end_date '" + license.endDate()
                    + "'; use YYYY-MM-DD");
        }
    }
}
