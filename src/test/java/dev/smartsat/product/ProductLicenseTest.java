package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.config.Catalog;
import dev.smartsat.config.Settings;
import dev.smartsat.config.SettingsLoader;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The product's own license list against the satellite's catalog and default seed (SPEC §7). */
class ProductLicenseTest {
    @Test
    void everyProductLicenseIsInTheCatalogWithTheSameTagAndName() {
        Catalog catalog = Catalog.load(new SettingsLoader(Map.of()).load());
        for (ProductLicense l : ProductLicense.values()) {
            Catalog.Entitlement e = catalog.byKey(l.key()).orElseThrow(() -> new AssertionError(l.key() + " not in catalog"));
            assertEquals(l.tag(), e.tag(), l.name());
            assertEquals(l.displayName(), e.displayName(), l.name());
        }
    }

    @Test
    void theDefaultSeedGivesDefaultSomeOfEveryProductLicenseAndTwoOfEachSystemLicense() {
        Settings settings = new SettingsLoader(Map.of()).load();
        Settings.SeedVirtualAccount va = settings.seed().virtualAccounts().stream()
                .filter(v -> v.name().equals("Default")).findFirst().orElseThrow();
        Map<String, Long> seeded = va.licenses().stream().collect(Collectors.toMap(Settings.SeedLicense::tag,
                l -> (long) l.quantity()));
        for (ProductLicense l : ProductLicense.values()) {
            long at = seeded.getOrDefault(l.key(), 0L);
            long least = Set.of(ProductLicense.EXTENDED_CAPACITY, ProductLicense.SMALL_MDC, ProductLicense.MEDIUM_MDC,
                    ProductLicense.LARGE_XL_MDC).contains(l) ? 2 : 1;
            assertTrue(at >= least, l + " seeded " + at);
        }
    }

    @Test
    void aLicenseIsFoundByDisplayNameTagOrKey() {
        assertEquals(ProductLicense.HOST, ProductLicense.byName("webex meetings server host").orElseThrow());
        assertEquals(ProductLicense.HOST, ProductLicense.byName(ProductLicense.HOST.tag()).orElseThrow());
        assertEquals(ProductLicense.LARGE_XL_MDC, ProductLicense.byName("WMS_MDC_LARGE_XL").orElseThrow());
    }
}
