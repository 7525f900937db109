package dev.smartsat.licensing;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Registration token statuses follow the server clock; revocation and removal are recorded. */
@OnEachDatabase
class TokenLifecycleTest {
    @Parameter
    TestDatabase database;

    private static final String TOKENS = ACCOUNT_PATH + "/virtual-accounts/Lab/tokens";

    @TempDir
    Path dir;

    @Test
    void aTokenExpiresWhenTheClockPassesItsExpirationDate() {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{\"description\":\"one day\",\"expiresAfterDays\":1}");
            JsonNode info = find(sat, admin, token);
            assertEquals("ACTIVE", info.get("status").asText());
            Instant expires = Instant.parse(info.get("expirationDate").asText());
            Instant created = Instant.parse(info.get("createdAt").asText());
            assertEquals(Duration.ofDays(1), Duration.between(created, expires));

            JsonNode clock = sat.json("PUT", "/backend/api/v1/sim/clock", admin, "{\"advance\":\"PT23H\"}").json();
            assertTrue(Instant.parse(clock.get("now").asText()).isBefore(expires));
            assertEquals("ACTIVE", find(sat, admin, token).get("status").asText());

            sat.json("PUT", "/backend/api/v1/sim/clock", admin, "{\"now\":\"" + expires.plusSeconds(1) + "\"}");
            assertEquals("EXPIRED", find(sat, admin, token).get("status").asText());
            assertEquals(200, sat.get("/backend/api/v1/accounts", admin).status(),
                    "moving the simulated clock logs nobody out");

            // and back: the status is computed, not stored
            sat.json("PUT", "/backend/api/v1/sim/clock", admin, "{\"now\":\"" + created.plusSeconds(60) + "\"}");
            assertEquals("ACTIVE", find(sat, admin, token).get("status").asText());
        }
    }

    @Test
    void revokeThenRemove() {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{\"expiresAfterDays\":30,\"exportControlled\":\"Not Allowed\"}");
            assertEquals("Not Allowed", find(sat, admin, token).get("exportControlled").asText());
            TestSatellite.Response revoked = sat.post(TOKENS + "/" + token + "/revoke", admin, "");
            assertEquals(200, revoked.status(), revoked.toString());
            assertEquals("REVOKED", revoked.json().get("tokenInfo").get("status").asText());
            // revocation wins over expiry
            sat.json("PUT", "/backend/api/v1/sim/clock", admin, "{\"advance\":\"P60D\"}");
            assertEquals("REVOKED", find(sat, admin, token).get("status").asText());

            assertEquals(204, sat.delete(TOKENS + "/" + token, admin).status());
            assertEquals(404, sat.delete(TOKENS + "/" + token, admin).status());
            JsonNode events = sat.get(ACCOUNT_PATH + "/events?virtualAccount=Lab", admin).json().get("events");
            assertEquals("TOKEN_REMOVED", events.get(0).get("type").asText());
            assertEquals("TOKEN_REVOKED", events.get(1).get("type").asText());
            assertEquals("TOKEN_CREATED", events.get(2).get("type").asText());
            for (JsonNode e : events) {
                assertTrue(!e.get("message").asText().contains(token), "events never hold a usable token");
            }
            JsonNode clockEvents = sat.get("/backend/api/v1/events?type=CLOCK_CHANGED", admin).json();
            assertEquals(1, clockEvents.get("totalRecords").asInt());
        }
    }

    @Test
    void tokenValuesCarry256RandomBitsAndAreUrlSafe() {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String a = sat.createToken("Lab", "{}");
            String b = sat.createToken("Lab", "{}");
            assertTrue(a.matches("[A-Za-z0-9_-]{43,}"), a);
            assertTrue(!a.equals(b));
            assertEquals(30, Duration.between(Instant.parse(find(sat, sat.adminToken(), a).get("createdAt").asText()),
                    Instant.parse(find(sat, sat.adminToken(), a).get("expirationDate").asText())).toDays(),
                    "expiresAfterDays defaults to 30");
        }
    }

    static JsonNode find(TestSatellite sat, String admin, String token) {
        for (JsonNode t : sat.get(TOKENS + "?limit=1000", admin).json().get("tokens")) {
            if (t.get("token").asText().equals(token)) {
                return t;
            }
        }
        throw new AssertionError("token not listed: " + token);
    }
}
