package dev.smartsat.server;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.config.Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up, bootstrap credentials, persistence across restarts and the data-dir lock, over real HTTPS. */
class ServerLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void healthAnswersSpecFieldsOverTlsTrustedByTheGeneratedRoot() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            TestSatellite.Response r = sat.get("/health", null);
            assertEquals(200, r.status(), r.toString());
            JsonNode h = r.json();
            assertEquals("UP", h.get("status").asText());
            assertEquals("satellite", h.get("role").asText());
            assertEquals("disconnected", h.get("mode").asText());
            assertFalse(h.get("version").asText().isBlank());
            Instant time = Instant.parse(h.get("time").asText());
            assertTrue(Math.abs(time.toEpochMilli() - System.currentTimeMillis()) < 60_000);
        }
    }

    @Test
    void bootstrapAdminSecretIsWrittenWithMode0600AndNeverLogged() throws Exception {
        // Captured where Logback writes, as `serve` sets it up: System.err is taken once, when Logback starts.
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TestSatellite sat;
        Logging.apply(new Settings.Logging("text", "info"), captured);
        try {
            sat = TestSatellite.start(dir);
        } finally {
            Logging.reset();
        }
        try (sat) {
            Path file = dir.resolve("data/admin-credentials.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String secret = sat.adminCredentials().get("client_secret");
            assertTrue(secret.length() >= 40, "secret carries at least 256 bits");
            String log = captured.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("admin-credentials.json"), "the log names the credentials file: " + log);
            assertFalse(log.contains(secret), "the secret must never be logged");
            for (String key : new String[] {"ca-key.pem", "product-ca-key.pem", "signing-key.pem", "tls-key.pem"}) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dir.resolve("certs").resolve(key))), key);
            }
            // the secret is stored only as a hash
            byte[] db = Files.readAllBytes(dir.resolve("data/smartsat.db"));
            assertFalse(new String(db, StandardCharsets.ISO_8859_1).contains(secret));
        }
    }

    @Test
    void bootstrapAdminFromEnvironmentWritesNoFile() {
        Map<String, String> env = Map.of("SMARTSAT_ADMIN_CLIENT_ID", "ops-admin",
                "SMARTSAT_ADMIN_CLIENT_SECRET", "correct horse battery staple");
        try (TestSatellite sat = TestSatellite.start(dir, env, Map.of())) {
            assertFalse(Files.exists(dir.resolve("data/admin-credentials.json")));
            String token = sat.token("ops-admin", "correct horse battery staple");
            assertEquals(200, sat.get("/backend/api/v1/accounts", token).status());
            TestSatellite.Response wrong = sat.form("/backend/oauth/token", Map.of("grant_type", "client_credentials",
                    "client_id", "ops-admin", "client_secret", "correct horse battery staplf"));
            assertEquals(401, wrong.status());
        }
    }

    @Test
    void everythingSurvivesARestart() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String admin = sat.adminToken();
            assertEquals(201, sat.post(ACCOUNT_PATH + "/virtual-accounts", admin,
                    "{\"name\":\"Branch\",\"description\":\"Branch office\"}").status());
            String token = sat.createToken("Branch", "{\"description\":\"kept\",\"expiresAfterDays\":10,\"maxUses\":3}");
            String viewer = sat.tokenForRole("viewer");
            JsonNode moved = sat.post(ACCOUNT_PATH + "/virtual-accounts/Default/licenses/transfer", admin,
                    "{\"licenses\":[{\"entitlementTag\":\"" + rmsTag(sat, admin) + "\",\"quantity\":7,"
                            + "\"targetVirtualAccount\":\"Branch\"}]}").json();
            assertNotNull(moved.get("licenses"));
            String before = snapshot(sat, admin);

            sat.restart();

            assertEquals(before, snapshot(sat, admin), "state read back after restart");
            assertEquals(200, sat.get("/backend/api/v1/accounts", viewer).status(), "bearer tokens survive too");
            JsonNode tokens = sat.get(ACCOUNT_PATH + "/virtual-accounts/Branch/tokens", admin).json();
            assertEquals(token, tokens.get("tokens").get(0).get("token").asText());
            assertEquals(3, tokens.get("tokens").get(0).get("maxUses").asInt());
            JsonNode branch = sat.get(ACCOUNT_PATH + "/virtual-accounts/Branch/licenses", admin).json();
            assertEquals(7, branch.get("licenses").get(0).get("quantity").asInt());
        }
    }

    @Test
    void seedRunsOnAnEmptyDatabaseOnly() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String admin = sat.adminToken();
            sat.json("PATCH", ACCOUNT_PATH + "/virtual-accounts/Lab", admin, "{\"name\":\"Lab2\"}");
            sat.restart();
            JsonNode vas = sat.get(ACCOUNT_PATH + "/virtual-accounts", sat.adminToken()).json();
            assertEquals(2, vas.get("totalRecords").asInt(), vas.toString());
            assertEquals("Lab2", vas.get("virtualAccounts").get(1).get("name").asText());
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirRefusesToStart() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SmartSatServer.start(sat.settings(), sat.wall, Map.of()));
            assertTrue(e.getMessage().contains("in use by another SmartSat server"), e.getMessage());
            assertEquals(200, sat.get("/health", null).status(), "the first server is unharmed");
            assertEquals(200, sat.get("/backend/api/v1/accounts", sat.adminToken()).status());
        }
    }

    @Test
    void simulationControlsAreOffUnlessEnabled() {
        try (TestSatellite sat = TestSatellite.start(dir, Map.of(), TestSatellite.flags("simulation.enabled", false))) {
            TestSatellite.Response r = sat.json("PUT", "/backend/api/v1/sim/clock", sat.adminToken(), "{\"advance\":\"P1D\"}");
            assertEquals(404, r.status(), r.toString());
            assertTrue(r.json().get("message").asText().contains("simulation.enabled"));
        }
    }

    /** SPEC §9: the offset is stored, so it survives a restart; DELETE returns to the wall clock and is recorded. */
    @Test
    void theClockOffsetSurvivesARestartAndDeleteReturnsToTheWallClock() {
        String clock = "/backend/api/v1/sim/clock";
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String admin = sat.adminToken();
            String operator = sat.tokenForRole("operator");
            assertEquals("PT0S", sat.get(clock, admin).json().get("offset").asText());
            JsonNode moved = sat.json("PUT", clock, admin, "{\"advance\":\"P200D\"}").json();
            assertEquals(200, java.time.Duration.parse(moved.get("offset").asText()).toDays());

            sat.restart();

            JsonNode after = sat.get(clock, admin).json();
            assertEquals(200, java.time.Duration.parse(after.get("offset").asText()).toDays(), after.toString());
            Instant health = Instant.parse(sat.get("/health", null).json().get("time").asText());
            assertTrue(health.isAfter(Instant.now().plus(java.time.Duration.ofDays(199))), "/health reads the stored clock");

            assertEquals(403, sat.delete(clock, operator).status(), "only an admin moves the clock");
            TestSatellite.Response reset = sat.delete(clock, admin);
            assertEquals(200, reset.status(), reset.toString());
            assertEquals("PT0S", reset.json().get("offset").asText());
            Instant now = Instant.parse(reset.json().get("now").asText());
            assertTrue(java.time.Duration.between(now, Instant.now()).abs().toSeconds() < 60, "back on the wall clock");
            JsonNode events = sat.get("/backend/api/v1/events?type=CLOCK_CHANGED", admin).json();
            assertEquals(2, events.get("totalRecords").asInt(), events.toString());
            assertTrue(events.toString().contains("offset PT0S from the wall clock"), events.toString());

            sat.restart();
            assertEquals("PT0S", sat.get(clock, admin).json().get("offset").asText(), "the reset is stored too");
        }
    }

    static String rmsTag(TestSatellite sat, String admin) {
        for (JsonNode l : sat.get(ACCOUNT_PATH + "/virtual-accounts/Default/licenses", admin).json().get("licenses")) {
            if (l.get("license").asText().equals("Expressway Rich Media Session")) {
                return l.get("entitlementTag").asText();
            }
        }
        throw new AssertionError("the seed has no Rich Media Session pool");
    }

    private static String snapshot(TestSatellite sat, String admin) {
        StringBuilder s = new StringBuilder();
        s.append(sat.get("/backend/api/v1/accounts", admin).body());
        for (String va : new String[] {"Default", "Lab", "Branch"}) {
            s.append(sat.get(ACCOUNT_PATH + "/virtual-accounts/" + va + "/licenses", admin).body());
            s.append(sat.get(ACCOUNT_PATH + "/virtual-accounts/" + va + "/tokens", admin).body());
        }
        s.append(sat.get("/backend/api/v1/clients", admin).body());
        s.append(sat.get(ACCOUNT_PATH + "/events?limit=1000", admin).body());
        return s.toString();
    }
}
