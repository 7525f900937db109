package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a fleet larger than its virtual account's pool says so, on standard error and in {@code --json}, and a
 * fleet that fits says nothing. Lab holds 4 Network Advantage licenses; they are served in order of first report.
 */
class FleetComplianceTest {
    @TempDir
    Path dir;

    @Test
    void aFleetBeyondThePoolWarnsAndCountsTheDevicesOutOfCompliance() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String token = sat.createToken("Lab", "{}");

            CommandRun fits = fleet(sat, token, "3", "0");
            assertEquals(0, fits.exit(), fits.err());
            assertNull(json(fits).get("outOfCompliance"), fits.out());
            assertFalse(fits.err().contains("warning"), fits.err());

            // Two warm-up devices take the last license and go one over; the three measured ones are all over.
            CommandRun over = fleet(sat, token, "3", "2");
            assertEquals(0, over.exit(), "out of compliance is an answer, not a failure: " + over.err());
            JsonNode report = json(over);
            assertEquals(3, report.get("authorized").asInt(), report.toString());
            JsonNode out = report.get("outOfCompliance");
            assertEquals(4, out.get("devices").asInt(), report.toString());
            assertEquals(5, out.get("of").asInt(), report.toString());
            assertEquals("Lab", out.get("virtualAccount").asText(), report.toString());
            assertEquals("OUT_OF_COMPLIANCE", out.get("tags").get(FleetReplayTest.NETWORK_ADVANTAGE).asText(),
                    report.toString());
            String[] lines = over.err().strip().split("\n");
            String warning = lines[lines.length - 1];
            assertTrue(warning.startsWith("warning: 4 of 5 devices are OUT_OF_COMPLIANCE in virtual account Lab: "
                    + FleetReplayTest.NETWORK_ADVANTAGE + " (pool exhausted)."), over.err());
            assertTrue(warning.contains("removed or deregistered") && warning.contains("--data-dir"), warning);

            // The satellite agrees: 4 served, 4 over.
            String admin = sat.adminToken();
            String devices = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab/devices?status=";
            assertEquals(4, sat.get(devices + "AUTHORIZED", admin).json().get("totalRecords").asInt());
            assertEquals(4, sat.get(devices + "OUT_OF_COMPLIANCE", admin).json().get("totalRecords").asInt());
        }
    }

    private static CommandRun fleet(TestSatellite sat, String token, String devices, String warmup) {
        return CommandRun.of("agent", "--ca", sat.dir().resolve("certs/ca.pem").toString(), "fleet", "--url",
                sat.uri("/SmartTransport").toString(), "--token", token, "--devices", devices, "--warmup", warmup,
                "--concurrency", "1", "--entitlement", FleetReplayTest.NETWORK_ADVANTAGE + "=1", "--json");
    }

    private static JsonNode json(CommandRun run) throws Exception {
        return new ObjectMapper().readTree(run.out());
    }
}
