package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static dev.smartsat.sync.SyncPair.NETWORK_ADVANTAGE;
import static dev.smartsat.sync.SyncPair.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.store.TestSql;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.statement.PreparedBatch;
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
            insertInstances(pair.satellite, count);
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
            insertInstances(pair.satellite, count);
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

    /** {@code count} authorized instances in Default, each using 1 Network Advantage license. */
    public static void insertInstances(TestSatellite sat, int count) {
        Instant now = sat.server().clock().instant();
        long registered = now.toEpochMilli();
        long expires = now.plus(Duration.ofDays(365)).toEpochMilli();
        long authExpires = now.plus(Duration.ofDays(90)).toEpochMilli();
        sat.server().store().write(tx -> {
            long va = TestSql.of(tx).createQuery("SELECT id FROM virtual_account WHERE name = 'Default'").mapTo(Long.class).one();
            PreparedBatch instances = TestSql.of(tx).prepareBatch("INSERT INTO product_instance (id, piid, virtual_account_id, udi_pid,"
                    + " udi_serial, hostname, export_controlled, registered_at, last_contact_at, cert_serial,"
                    + " cert_public_key, cert_issued_at, registration_expires_at, last_auth_at, authorization_expires_at,"
                    + " authorization_status) VALUES (?, ?, ?, 'C9300-24UX', ?, ?, 0, ?, ?, ?, 'key', ?, ?, ?, ?, 'AUTHORIZED')");
            PreparedBatch usage = TestSql.of(tx).prepareBatch("INSERT INTO instance_usage (instance_id, virtual_account_id,"
                    + " entitlement_tag, count, first_authorized_at, live_until, status, queue_position)"
                    + " VALUES (?, ?, ?, 1, ?, ?, 'AUTHORIZED', ?)");
            for (int i = 0; i < count; i++) {
                long id = 1_000_000L + i;
                instances.add(id, UUID.randomUUID().toString(), va, String.format("BENCH%06d", i),
                        "switch-" + i + ".example.com", registered, registered, Long.toHexString(id), registered, expires,
                        registered, authExpires);
                usage.add(id, va, NETWORK_ADVANTAGE, registered, authExpires, id);
            }
            instances.execute();
            usage.execute();
            return null;
        });
    }
}
