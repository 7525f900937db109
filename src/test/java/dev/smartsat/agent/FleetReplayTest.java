package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent fleet --days} (SPEC §10) against a real satellite: the fleet moves the satellite's clock a day at a
 * time, and each device renews its ID certificate and reports its usage when its timers say, so after 200 days
 * every device is still registered with a live authorization, on certificates the satellite issued on day 180.
 */
class FleetReplayTest {
    static final String NETWORK_ADVANTAGE = AgentRoundTripTest.NETWORK_ADVANTAGE;

    @TempDir
    Path dir;

    @Test
    void twoHundredDaysOfRenewalsAndUsageReports() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{\"exportControlled\":\"Not Allowed\",\"expiresAfterDays\":365}");
            Instant before = Instant.parse(sat.get("/backend/api/v1/sim/clock", admin).json().get("now").asText());
            CommandRun run = CommandRun.of("agent", "--ca", sat.dir().resolve("certs/ca.pem").toString(), "fleet",
                    "--url", sat.uri("/SmartTransport").toString(), "--token", token, "--devices", "12",
                    "--concurrency", "3", "--entitlement", NETWORK_ADVANTAGE + "=1", "--days", "200",
                    "--admin-credentials", sat.dir().resolve("data/admin-credentials.json").toString(), "--json");
            assertEquals(0, run.exit(), run.err());

            JsonNode report = new ObjectMapper().readTree(run.out());
            assertEquals(12, report.get("authorized").asInt(), report.toString());
            JsonNode replay = report.get("replay");
            assertEquals(200, replay.get("days").asInt(), replay.toString());
            // Usage every 30 days (days 30 … 180), the ID certificate renewed once, at day 180.
            assertEquals(12 * 6, replay.get("authorizations").asInt(), replay.toString());
            assertEquals(12, replay.get("renewals").asInt(), replay.toString());
            assertEquals(0, replay.get("failed").asInt(), replay.toString());
            assertTrue(replay.get("latencyMs").get("renew").get("p99").isNumber(), replay.toString());

            // The satellite's clock moved 200 days, and every device is live: the last report was at day 180.
            Instant after = Instant.parse(sat.get("/backend/api/v1/sim/clock", admin).json().get("now").asText());
            assertTrue(Duration.between(before, after).toDays() == 200, before + " → " + after);
            // Lab holds 4 Network Advantage: the first 4 devices to report are served, the other 8 are overage.
            assertEquals(12, count(sat, admin, "REGISTERED"));
            assertEquals(4, count(sat, admin, "AUTHORIZED"));
            assertEquals(8, count(sat, admin, "OUT_OF_COMPLIANCE"));
            assertEquals(0, count(sat, admin, "AUTHORIZATION_EXPIRED"));
            JsonNode renewed = sat.get(TestSatellite.ACCOUNT_PATH + "/events?type=INSTANCE_RENEWED&limit=100", admin)
                    .json();
            assertEquals(12, renewed.get("totalRecords").asInt(), renewed.toString());
        }
    }

    private static int count(TestSatellite sat, String admin, String status) {
        return sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab/devices?status=" + status, admin).json()
                .get("totalRecords").asInt();
    }
}
