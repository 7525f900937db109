package dev.smartsat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings precedence of SPEC §1: built-in defaults, then the file, then the environment, then flags. */
class SettingsLoaderTest {
    @TempDir
    Path dir;

    @Test
    void builtInDefaults() {
        Settings s = new SettingsLoader(Map.of()).load();
        assertEquals(8443, s.server().port());
        assertEquals("satellite", s.role());
        assertEquals("disconnected", s.mode());
        assertEquals(Path.of("data"), s.dataDir());
        assertEquals(Path.of("certs"), s.certsDir());
        assertEquals("jdbc:sqlite:data/smartsat.db", s.jdbcUrl());
        assertEquals(3600, s.auth().tokenTtlSeconds());
        assertEquals("P1D", s.upstream().interval());
        assertTrue(s.simulation().enabled());
        assertEquals("auto", s.crypto().provider());
        assertEquals("Example Corp", s.seed().account().name());
        assertEquals(List.of("Default", "Lab"), s.seed().virtualAccounts().stream().map(Settings.SeedVirtualAccount::name).toList());
    }

    @Test
    void aConfigFileChangesOnlyTheKeysItNames() throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, "server:\n  port: 9443\nupstream:\n  client_id: sat-1\n");
        Settings s = new SettingsLoader(Map.of()).configFile(file).load();
        assertEquals(9443, s.server().port());
        assertEquals("sat-1", s.upstream().clientId());
        assertEquals("0.0.0.0", s.server().bind(), "kept from the defaults");
        assertEquals("P1D", s.upstream().interval(), "kept from the defaults");
        assertEquals("Example Corp", s.seed().account().name(), "kept from the defaults");
    }

    @Test
    void environmentOverridesTheFileAndFlagsOverrideTheEnvironment() throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, "server:\n  port: 9443\nmode: disconnected\n");
        Map<String, String> env = Map.of(
                "SMARTSAT_SERVER_PORT", "9444",
                "SMARTSAT_UPSTREAM_URL", "https://cssm.example:8443",
                "SMARTSAT_UPSTREAM_CLIENT_ID", "sat-7",
                "SMARTSAT_SIMULATION_SEED", "1234",
                "SMARTSAT_SIMULATION_ENABLED", "false",
                "SMARTSAT_SERVER_HOST_NAMES", "sat.example.com, 10.0.0.5",
                "SMARTSAT_MODE", "connected");
        Settings fromEnv = new SettingsLoader(env).configFile(file).load();
        assertEquals(9444, fromEnv.server().port());
        assertEquals("https://cssm.example:8443", fromEnv.upstream().url());
        assertEquals("sat-7", fromEnv.upstream().clientId());
        assertEquals(1234, fromEnv.simulation().seed());
        assertEquals(false, fromEnv.simulation().enabled());
        assertEquals(List.of("sat.example.com", "10.0.0.5"), fromEnv.server().hostNames());
        assertEquals("connected", fromEnv.mode());

        Settings withFlags = new SettingsLoader(env).configFile(file).flag("server.port", 9445).load();
        assertEquals(9445, withFlags.server().port());
    }

    /** SPEC §10: a PostgreSQL database and its login from the environment; the password never in a printout. */
    @Test
    void thePostgreSqlLoginComesFromTheEnvironmentAndThePasswordIsNeverPrinted() {
        Settings s = new SettingsLoader(Map.of("SMARTSAT_DB_URL", "jdbc:postgresql://db.example:5432/smartsat",
                "SMARTSAT_DB_USER", "smartsat", "SMARTSAT_DB_PASSWORD", "s3cret-pw")).load();
        assertEquals("jdbc:postgresql://db.example:5432/smartsat", s.jdbcUrl());
        assertEquals("smartsat", s.db().user());
        assertEquals("s3cret-pw", s.db().password());
        assertFalse(s.toString().contains("s3cret-pw"), s.toString());
    }

    @Test
    void shortFormsOfTheEnvironment() throws Exception {
        Path file = dir.resolve("from-env.yaml");
        Files.writeString(file, "role: cssm\n");
        Settings s = new SettingsLoader(Map.of("SMARTSAT_PORT", "7443", "SMARTSAT_DATA_DIR", "/tmp/d",
                "SMARTSAT_CERTS_DIR", "/tmp/c", "SMARTSAT_CONFIG", file.toString())).load();
        assertEquals(7443, s.server().port());
        assertEquals(Path.of("/tmp/d"), s.dataDir());
        assertEquals(Path.of("/tmp/c"), s.certsDir());
        assertEquals("cssm", s.role());
        assertEquals("jdbc:sqlite:/tmp/d/smartsat.db", s.jdbcUrl());
    }

    @Test
    void badValuesAreRefusedWithTheirKeyNamed() throws Exception {
        assertMessage(Map.of("SMARTSAT_SERVER_PORT", "eighty"), "server.port");
        assertMessage(Map.of("SMARTSAT_SERVER_PORT", "70000"), "server.port");
        assertMessage(Map.of("SMARTSAT_MODE", "sometimes"), "mode");
        assertMessage(Map.of("SMARTSAT_SIMULATION_ENABLED", "yes"), "simulation.enabled");
        assertMessage(Map.of("SMARTSAT_UPSTREAM_INTERVAL", "daily"), "upstream.interval");
        assertMessage(Map.of("SMARTSAT_CRYPTO_PROVIDER", "openssl"), "crypto.provider");
        assertEquals("bouncycastle",
                new SettingsLoader(Map.of("SMARTSAT_CRYPTO_PROVIDER", "bouncycastle")).load().crypto().provider());
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "- just\n- a list\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new SettingsLoader(Map.of()).configFile(list).load());
        assertTrue(e.getMessage().contains("mapping"), e.getMessage());
        assertThrows(ConfigException.class,
                () -> new SettingsLoader(Map.of()).configFile(dir.resolve("absent.yaml")).load());
    }

    @Test
    void alertMailIsOffByDefaultAndItsKeysComeFromTheEnvironmentToo() {
        Settings.Smtp off = new SettingsLoader(Map.of()).load().alerts().smtp();
        assertFalse(off.enabled());
        assertFalse(off.starttls());
        Settings.Smtp on = new SettingsLoader(Map.of("SMARTSAT_ALERTS_SMTP_HOST", "mail.example.com",
                "SMARTSAT_ALERTS_SMTP_PORT", "587", "SMARTSAT_ALERTS_SMTP_FROM", "smartsat@example.com",
                "SMARTSAT_ALERTS_SMTP_TO", "ops@example.com, noc@example.com",
                "SMARTSAT_ALERTS_SMTP_USERNAME", "smartsat", "SMARTSAT_ALERTS_SMTP_PASSWORD", "hunter2-secret",
                "SMARTSAT_ALERTS_SMTP_STARTTLS", "true")).load().alerts().smtp();
        assertTrue(on.enabled());
        assertEquals(587, on.port());
        assertEquals(List.of("ops@example.com", "noc@example.com"), on.to());
        assertTrue(on.starttls());
        assertFalse(on.toString().contains("hunter2"), "the password stays out of anything printed");

        Map<String, String> mail = Map.of("SMARTSAT_ALERTS_SMTP_HOST", "mail.example.com",
                "SMARTSAT_ALERTS_SMTP_FROM", "smartsat@example.com", "SMARTSAT_ALERTS_SMTP_TO", "ops@example.com");
        assertMessage(with(mail, "SMARTSAT_ALERTS_SMTP_PORT", "0"), "alerts.smtp.port");
        assertMessage(with(mail, "SMARTSAT_ALERTS_SMTP_TO", ""), "alerts.smtp.to");
        assertMessage(with(mail, "SMARTSAT_ALERTS_SMTP_TO", "ops@example.com, nobody"), "alerts.smtp.to");
        assertMessage(with(mail, "SMARTSAT_ALERTS_SMTP_FROM", ""), "alerts.smtp.from");
        assertMessage(with(mail, "SMARTSAT_ALERTS_SMTP_PASSWORD", "p"), "alerts.smtp.username");
        assertMessage(with(mail, "SMARTSAT_ALERTS_SMTP_STARTTLS", "yes"), "alerts.smtp.starttls");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> out = new java.util.HashMap<>(env);
        out.put(name, value);
        return out;
    }

    @Test
    void theCatalogCoversTheProductsOfSection7WithIsoTags() {
        Catalog catalog = Catalog.load(new SettingsLoader(Map.of()).load());
        List<String> names = catalog.entitlements().stream().map(Catalog.Entitlement::displayName).toList();
        for (String expected : new String[] {"Rich Media Session", "Room System", "Desktop System", "Host",
                "Extended Capacity (4000 port)", "Small MDC", "Medium MDC", "Large & XL MDC", "Network Advantage",
                "DNA Advantage"}) {
            assertTrue(names.stream().anyMatch(n -> n.contains(expected)), expected + " in " + names);
        }
        catalog.entitlements().forEach(e -> assertTrue(Catalog.TAG.matcher(e.tag()).matches(), e.tag()));
    }

    private static void assertMessage(Map<String, String> env, String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> new SettingsLoader(env).load());
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
