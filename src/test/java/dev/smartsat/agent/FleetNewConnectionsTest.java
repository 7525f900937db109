package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent fleet --new-connections} against a real satellite: every device registers and authorizes, each
 * message on a TLS connection of its own, and the report says so; without it the workers keep their connections.
 */
class FleetNewConnectionsTest {
    @TempDir
    Path dir;

    @Test
    void everyMessageOpensATlsConnectionOfItsOwn() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String admin = sat.adminToken();
            String token = sat.createToken("Lab", "{\"maxUses\":40}");

            JsonNode storm = fleet(sat, token, "NC1", "--new-connections");
            assertEquals(20, storm.get("registered").asInt(), storm.toString());
            assertEquals(20, storm.get("authorized").asInt(), storm.toString());
            assertEquals(0, storm.get("failed").asInt(), storm.toString());
            assertEquals("new", storm.get("connections").asText(), storm.toString());
            // 20 REGISTER and 20 AUTH_REQUEST, more only if the satellite asked for a retry.
            long requests = storm.get("requests").asLong();
            assertTrue(requests >= 40, storm.toString());
            assertEquals(requests, storm.get("tlsHandshakes").asLong(), "one connection per message: " + storm);
            assertTrue(storm.get("handshakesPerSecond").asDouble() > 0, storm.toString());

            JsonNode kept = fleet(sat, token, "NC2");
            assertEquals(20, kept.get("authorized").asInt(), kept.toString());
            assertEquals("keep-alive", kept.get("connections").asText(), kept.toString());
            assertTrue(kept.get("requests").asLong() >= 40, kept.toString());
            assertTrue(kept.get("tlsHandshakes").asLong() <= 4, "at most one per worker: " + kept);

            String devices = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab/devices";
            assertEquals(20, sat.get(devices + "?q=NC1", admin).json().get("totalRecords").asInt());
            assertEquals(40, sat.get(devices + "?status=REGISTERED", admin).json().get("totalRecords").asInt());
        }
    }

    private static JsonNode fleet(TestSatellite sat, String token, String prefix, String... more) throws Exception {
        String[] args = {"agent", "--ca", sat.dir().resolve("certs/ca.pem").toString(), "fleet", "--url",
            sat.uri("/SmartTransport").toString(), "--token", token, "--devices", "20", "--concurrency", "4",
            "--serial-prefix", prefix, "--entitlement", FleetReplayTest.NETWORK_ADVANTAGE + "=1", "--json"};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        CommandRun run = CommandRun.of(all);
        assertEquals(0, run.exit(), run.err());
        return new ObjectMapper().readTree(run.out());
    }
}
