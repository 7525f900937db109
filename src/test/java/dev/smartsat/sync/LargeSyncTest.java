package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static dev.smartsat.sync.SyncPair.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.store.SeededFleet;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync requests beyond the 1 MiB of management bodies (SPEC §4): the sync routes take up to sync.max_bytes,
 * and a body past 1 MiB reaches them through a spool file. The instances are written straight into the satellite's store, which is what registering them would leave.
 * With {@code -Dsmartsat.syncBenchmark=N} it also times a sync of N instances (not a pass/fail check).
 */
public class LargeSyncTest {
    @Test
    void aSyncRequestOverOneMebibyteTravelsAndIsReportedUpstream(@TempDir Path dir) {
        try (SyncPair pair = SyncPair.start(dir, "disconnected")) {
            int count = 4000;
            SeededFleet.insert(pair.satellite, count);
            byte[] request = pair.requestFile();
            assertTrue(request.length > 1024 * 1024, "the request is " + request.length + " bytes");

            Response answer = pair.processOnline(request);
            assertEquals(200, answer.status(), answer.toString());
            assertEquals(200, pair.upload(answer.body().getBytes(StandardCharsets.UTF_8)).status());
            JsonNode satellite = pair.upstream.get(API + "/satellites", pair.upstream.adminToken()).json()
                    .get("satellites").get(0);
            assertEquals(count, satellite.get("virtualAccounts").get(0).get("instances").asInt(), satellite.toString());
            JsonNode instances = pair.upstream.get(API + "/satellites/" + satellite.get("satelliteId").asText()
                    + "/instances?limit=1", pair.upstream.adminToken()).json();
            assertEquals(count, instances.get("totalRecords").asInt());
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "smartsat.syncBenchmark", matches = "\\d+")
    void benchmark(@TempDir Path dir) {
        int count = Integer.parseInt(System.getProperty("smartsat.syncBenchmark"));
        try (SyncPair pair = SyncPair.start(dir, "disconnected")) {
            SeededFleet.insert(pair.satellite, count);
            Response warmUp = pair.processOnline(pair.requestFile()); // every path once, for the JIT
            assertEquals(200, warmUp.status(), warmUp.toString());
            assertEquals(200, pair.upload(warmUp.body().getBytes(StandardCharsets.UTF_8)).status());
            for (int round = 1; round <= 3; round++) {
                long t0 = System.nanoTime();
                byte[] request = pair.requestFile();
                long t1 = System.nanoTime();
                Response answer = pair.processOnline(request);
                long t2 = System.nanoTime();
                assertEquals(200, answer.status(), answer.toString());
                Response applied = pair.upload(answer.body().getBytes(StandardCharsets.UTF_8));
                long t3 = System.nanoTime();
                assertEquals(200, applied.status(), applied.toString());
                System.out.printf("sync of %d instances, round %d: export %d ms (%d bytes), upstream %d ms,"
                                + " import %d ms (%d bytes)%n", count, round, (t1 - t0) / 1_000_000, request.length,
                        (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, answer.body().length());
            }
            assertEquals(status(pair.satellite).get("lastSequenceIssued"), status(pair.satellite).get("lastSequenceApplied"));

            byte[] request = pair.requestFile();
            long g0 = System.nanoTime();
            byte[] gzip = SyncFiles.gzip(new String(request, StandardCharsets.UTF_8));
            long g1 = System.nanoTime();
            Response gzipped = pair.upstream.send("POST", API + "/satellite/sync", pair.upstream.tokenForRole("operator"),
                    "application/gzip", HttpRequest.BodyPublishers.ofByteArray(gzip));
            long g2 = System.nanoTime();
            assertEquals(200, gzipped.status(), gzipped.toString());
            System.out.printf("sync of %d instances, gzip: %d bytes gzipped to %d in %d ms, upstream %d ms%n", count,
                    request.length, gzip.length, (g1 - g0) / 1_000_000, (g2 - g1) / 1_000_000);

            Path requestFile = SyncPair.write(dir.resolve("request.json"), pair.requestFile());
            long t0 = System.nanoTime();
            SyncPair.Cli cli = pair.processByCommand(requestFile, dir.resolve("response.json"));
            long t1 = System.nanoTime();
            assertEquals(0, cli.exit(), cli.toString());
            System.out.printf("cssm process-sync of %d instances (in-process, beside the server, store opened and closed): %d ms%n",
                    count, (t1 - t0) / 1_000_000);
        }
    }
}
