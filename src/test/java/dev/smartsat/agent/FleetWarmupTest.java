package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent fleet --warmup W} against a real satellite: W devices register and authorize first and are reported
 * apart, and the measured counts, rates and latencies are those of the N devices after them.
 */
class FleetWarmupTest {
    @TempDir
    Path dir;

    @Test
    void warmUpDevicesRegisterFirstAndAreNotMeasured() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{\"maxUses\":10}");
            CommandRun run = CommandRun.of("agent", "--ca", sat.dir().resolve("certs/ca.pem").toString(), "fleet",
                    "--url", sat.uri("/SmartTransport").toString(), "--token", token, "--devices", "6",
                    "--warmup", "4", "--concurrency", "2", "--serial-prefix", "WU1",
                    "--entitlement", FleetReplayTest.NETWORK_ADVANTAGE + "=1", "--json");
            assertEquals(0, run.exit(), run.err());

            JsonNode report = new ObjectMapper().readTree(run.out());
            assertEquals(6, report.get("devices").asInt(), report.toString());
            assertEquals(6, report.get("registered").asInt(), report.toString());
            assertEquals(6, report.get("authorized").asInt(), report.toString());
            assertEquals(0, report.get("failed").asInt(), report.toString());
            JsonNode warmup = report.get("warmup");
            assertEquals(4, warmup.get("devices").asInt(), report.toString());
            assertEquals(4, warmup.get("registered").asInt(), report.toString());
            assertEquals(4, warmup.get("authorized").asInt(), report.toString());
            assertEquals(0, warmup.get("failed").asInt(), report.toString());

            // All ten are on the satellite; the warm-up's serial numbers carry the prefix plus W.
            String devices = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab/devices";
            assertEquals(10, sat.get(devices + "?status=REGISTERED", admin).json().get("totalRecords").asInt());
            assertEquals(4, sat.get(devices + "?q=WU1W", admin).json().get("totalRecords").asInt());
            JsonNode tokens = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab/tokens", admin).json();
            assertTrue(tokens.toString().contains("\"uses\":10"), tokens.toString());
        }
    }

    @Test
    void aNegativeWarmupIsAUsageError() {
        CommandRun run = CommandRun.of("agent", "--ca", dir.resolve("ca.pem").toString(), "fleet", "--url",
                "https://localhost:1/SmartTransport", "--token", "t", "--warmup", "-1");
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("--warmup"), run.err());
    }
}
