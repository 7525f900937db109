package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static dev.smartsat.sync.SyncPair.NETWORK_ADVANTAGE;
import static dev.smartsat.sync.SyncPair.NEW_TAG;
import static dev.smartsat.sync.SyncPair.VAS;
import static dev.smartsat.sync.SyncPair.lastEvent;
import static dev.smartsat.sync.SyncPair.pools;
import static dev.smartsat.sync.SyncPair.purchase;
import static dev.smartsat.sync.SyncPair.status;
import static dev.smartsat.sync.SyncPair.unchangedBySync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.transport.TestDevice;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * Connected mode end to end (SPEC §8, issue #5): a satellite and its upstream, real servers on free
 * ports, synchronizing over HTTPS with client credentials. Tests share the pair and run in any order,
 * so each compares what it changed rather than absolute numbers.
 */
@OnEachDatabase
class ConnectedSyncTest {
    @Parameter
    TestDatabase database;

    @TempDir
    static Path root;
    /** This run's own dir: the class runs once on each database. */
    static Path dir;
    static SyncPair pair;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        dir = root.resolve(database.name());
        pair = SyncPair.start(dir, database, "connected");
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void licensesPurchasedUpstreamAppearOnTheSatelliteAfterSyncNow() {
        long before = pools(pair.satellite, "Default").getOrDefault(NEW_TAG, 0L);
        Response bought = purchase(pair.upstream, "Default", NEW_TAG, 7);
        assertEquals(201, bought.status(), bought.toString());
        assertEquals(before, pools(pair.satellite, "Default").getOrDefault(NEW_TAG, 0L), "not before a sync");

        Response synced = pair.syncNow();
        assertEquals(200, synced.status(), synced.toString());
        JsonNode status = synced.json();
        assertEquals("connected", status.get("mode").asText());
        assertEquals(status.get("lastSequenceIssued").asLong(), status.get("lastSequenceApplied").asLong());
        assertFalse(status.get("lastSuccess").isNull());
        assertFalse(status.get("nextScheduled").isNull());
        assertEquals(pools(pair.upstream, "Default"), pools(pair.satellite, "Default"));
        assertEquals(pools(pair.upstream, "Lab"), pools(pair.satellite, "Lab"));
        assertTrue(pools(pair.satellite, "Default").get(NEW_TAG) >= before + 7);
        JsonNode event = lastEvent(pair.satellite, "SYNC_COMPLETED");
        assertNotNull(event);
        assertTrue(event.get("message").asText().contains("over the network"), event.toString());
    }

    @Test
    void usageOfDevicesOnTheSatelliteAppearsUpstream() {
        String token = pair.satellite.createToken("Lab", "{\"description\":\"sync usage\"}");
        TestDevice device = new TestDevice(pair.satellite, "C9300-24UX", "SYNCUSE01");
        assertEquals("OK", device.register(token).status());
        assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 3L)).status());

        assertEquals(200, pair.syncNow().status());

        String satelliteId = status(pair.satellite).get("satelliteId").asText();
        JsonNode satellites = pair.upstream.get(API + "/satellites", pair.upstream.adminToken()).json();
        JsonNode satellite = find(satellites.get("satellites"), "satelliteId", satelliteId);
        assertNotNull(satellite, satellites.toString());
        JsonNode lab = find(satellite.get("virtualAccounts"), "name", "Lab");
        assertEquals(1, lab.get("instances").asLong(), satellite.toString());
        assertEquals(3, find(lab.get("usage"), "entitlementTag", NETWORK_ADVANTAGE).get("inUse").asLong());

        // The upstream's own license view counts it, as its instance list shows the device.
        JsonNode upstreamLab = pair.upstream.get(VAS + "/Lab/licenses", pair.upstream.adminToken()).json();
        assertEquals(3, find(upstreamLab.get("licenses"), "entitlementTag", NETWORK_ADVANTAGE).get("inUse").asLong());
        JsonNode instances = pair.upstream.get(API + "/satellites/" + satelliteId + "/instances?virtualAccount=Lab",
                pair.upstream.adminToken()).json();
        JsonNode reported = find(instances.get("instances"), "productInstanceIdentifier", device.piid);
        assertNotNull(reported, instances.toString());
        assertEquals("AUTHORIZED", reported.get("authorizationStatus").asText());
        assertEquals(3, reported.get("licenseUsage").get(0).get("quantity").asLong());

        // Deregistered on the satellite, gone upstream after the next sync.
        assertEquals("OK", device.deregister().status());
        assertEquals(200, pair.syncNow().status());
        instances = pair.upstream.get(API + "/satellites/" + satelliteId + "/instances?virtualAccount=Lab",
                pair.upstream.adminToken()).json();
        assertEquals(null, find(instances.get("instances"), "productInstanceIdentifier", device.piid));
    }

    @Test
    void anInjectedFaultFailsTheSyncWithItsReasonAndChangesNothingThenTheNextSyncSucceeds() {
        String admin = pair.satellite.adminToken();
        assertEquals(201, purchase(pair.upstream, "Lab", NEW_TAG, 5).status());
        Map<String, String> before = unchangedBySync(pair.satellite);
        long issued = status(pair.satellite).get("lastSequenceIssued").asLong();

        Response faults = pair.satellite.post(API + "/sim/faults", admin, "{\"upstream\":{\"failRate\":1.0,\"status\":503}}");
        assertEquals(200, faults.status(), faults.toString());
        try {
            Response failed = pair.syncNow();
            assertEquals(502, failed.status(), failed.toString());
            JsonNode status = failed.json();
            assertTrue(status.get("lastFailureReason").asText().contains("503"), status.toString());
            assertTrue(status.get("lastFailureReason").asText().contains("injected"), status.toString());
            assertFalse(status.get("lastFailure").isNull());
            assertEquals(issued + 1, status.get("lastSequenceIssued").asLong(), "a failed request still used a sequence");
            assertEquals(before, unchangedBySync(pair.satellite), "a failed sync changed the satellite");
            JsonNode event = lastEvent(pair.satellite, "SYNC_FAILED");
            assertTrue(event.get("message").asText().contains("503"), event.toString());
        } finally {
            assertEquals(200, pair.satellite.post(API + "/sim/faults", admin, "{}").status());
        }

        Response next = pair.syncNow();
        assertEquals(200, next.status(), next.toString());
        assertEquals(pools(pair.upstream, "Lab"), pools(pair.satellite, "Lab"));
        assertEquals(next.json().get("lastSequenceIssued").asLong(), next.json().get("lastSequenceApplied").asLong());
    }

    @Test
    void aSlowUpstreamStillSyncs() {
        String admin = pair.satellite.adminToken();
        assertEquals(200, pair.satellite.post(API + "/sim/faults", admin, "{\"upstream\":{\"delayMs\":300}}").status());
        try {
            Response synced = pair.syncNow();
            assertEquals(200, synced.status(), synced.toString());
        } finally {
            pair.satellite.post(API + "/sim/faults", admin, "{}");
        }
    }

    @Test
    void localTransfersReachTheUpstreamExactlyOnce() {
        assertEquals(200, pair.syncNow().status());
        long upstreamDefault = pools(pair.upstream, "Default").get(NETWORK_ADVANTAGE);
        long upstreamLab = pools(pair.upstream, "Lab").get(NETWORK_ADVANTAGE);
        String transfer = "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE
                + "\",\"quantity\":2,\"targetVirtualAccount\":\"Lab\"}]}";
        Response moved = pair.satellite.post(VAS + "/Default/licenses/transfer", pair.satellite.adminToken(), transfer);
        assertEquals(200, moved.status(), moved.toString());

        assertEquals(200, pair.syncNow().status());
        assertEquals(upstreamDefault - 2, pools(pair.upstream, "Default").get(NETWORK_ADVANTAGE));
        assertEquals(upstreamLab + 2, pools(pair.upstream, "Lab").get(NETWORK_ADVANTAGE));
        // A second sync carries nothing new: the upstream does not apply the transfer again.
        assertEquals(200, pair.syncNow().status());
        assertEquals(upstreamDefault - 2, pools(pair.upstream, "Default").get(NETWORK_ADVANTAGE));
        assertEquals(upstreamLab + 2, pools(pair.upstream, "Lab").get(NETWORK_ADVANTAGE));
        assertEquals(pools(pair.upstream, "Default"), pools(pair.satellite, "Default"));
        assertEquals(pools(pair.upstream, "Lab"), pools(pair.satellite, "Lab"));
    }

    @Test
    void virtualAccountsTravelBothWays() {
        Response created = pair.upstream.post(VAS, pair.upstream.adminToken(), "{\"name\":\"Bought Upstream\"}");
        assertEquals(201, created.status(), created.toString());
        assertEquals(201, purchase(pair.upstream, "Bought Upstream", NEW_TAG, 4).status());
        assertEquals(201, pair.satellite.post(VAS, pair.satellite.adminToken(), "{\"name\":\"Made Locally\"}").status());

        assertEquals(200, pair.syncNow().status());
        assertEquals(Map.of(NEW_TAG, 4L), pools(pair.satellite, "Bought Upstream"));
        assertEquals(200, pair.upstream.get(VAS + "/Made%20Locally", pair.upstream.adminToken()).status());
        JsonNode event = lastEvent(pair.satellite, "VIRTUAL_ACCOUNT_CREATED");
        assertTrue(event.get("message").asText().contains("Bought Upstream"), event.toString());
    }

    @Test
    void anUnreachableUpstreamIsAFailureWithItsReason(@TempDir Path own) {
        try (TestSatellite lonely = TestSatellite.start(own, database, Map.of(), TestSatellite.flags("mode", "connected",
                "upstream.url", "https://localhost:1", "upstream.client_id", "x", "upstream.client_secret", "y",
                "upstream.trust", dir.resolve("upstream/certs/ca.pem").toString()))) {
            Map<String, String> before = unchangedBySync(lonely);
            Response failed = lonely.post(API + "/sync/now", lonely.adminToken(), "");
            assertEquals(502, failed.status(), failed.toString());
            assertTrue(failed.json().get("lastFailureReason").asText().contains("could not be reached"), failed.toString());
            assertEquals(before, unchangedBySync(lonely));
            assertNotNull(lastEvent(lonely, "SYNC_FAILED"));
        }
    }

    @Test
    void anUpstreamWhoseCertificateDoesNotChainToUpstreamTrustIsRefused(@TempDir Path own) {
        // Trusting its own root instead of the upstream's: the TLS handshake with the real upstream fails.
        try (TestSatellite misled = TestSatellite.start(own, database, Map.of(), TestSatellite.flags("mode", "connected",
                "upstream.url", "https://localhost:" + pair.upstream.server().port(), "upstream.client_id", "x",
                "upstream.client_secret", "y", "upstream.trust", own.resolve("certs/ca.pem").toString()))) {
            Map<String, String> before = unchangedBySync(misled);
            Response failed = misled.post(API + "/sync/now", misled.adminToken(), "");
            assertEquals(502, failed.status(), failed.toString());
            assertTrue(failed.json().get("lastFailureReason").asText().contains("TLS"), failed.toString());
            assertEquals(before, unchangedBySync(misled));
        }
    }

    /** A pair of its own: the shared pair's schedule and clock depend on which tests ran before. */
    @Test
    void theScheduleSyncsWhenTheServerClockPassesTheInterval(@TempDir Path own) throws InterruptedException {
        try (SyncPair alone = SyncPair.start(own, database, "connected")) {
            ConnectedSync connected = alone.satellite.server().sync().connected();
            Instant next = connected.nextScheduled();
            assertTrue(next.isAfter(alone.satellite.server().clock().instant()), "a sync is scheduled ahead");
            long issued = status(alone.satellite).get("lastSequenceIssued").asLong();

            connected.tick();
            assertEquals(issued, status(alone.satellite).get("lastSequenceIssued").asLong(), "not due yet: no sync");

            String admin = alone.satellite.adminToken();
            assertEquals(200, alone.satellite.json("PUT", API + "/sim/clock", admin, "{\"advance\":\"P1DT1H\"}").status());
            // This tick or the schedule's own thread (which looks once a second) runs the sync that is now due.
            JsonNode after = status(alone.satellite);
            for (int i = 0; i < 100 && after.get("lastSequenceApplied").asLong() <= issued; i++) {
                connected.tick();
                Thread.sleep(100);
                after = status(alone.satellite);
            }
            assertEquals(issued + 1, after.get("lastSequenceIssued").asLong(), "the due sync ran: " + after);
            assertEquals(after.get("lastSequenceIssued").asLong(), after.get("lastSequenceApplied").asLong());
            assertTrue(connected.nextScheduled().isAfter(alone.satellite.server().clock().instant().plusSeconds(3600)));
        }
    }

    @Test
    void theScheduleRunsOnADaemonThreadThatStopsWithTheServer(@TempDir Path own) {
        Set<Thread> before = syncThreads();
        TestSatellite connected = TestSatellite.start(own, database, Map.of(), TestSatellite.flags("mode", "connected",
                "upstream.interval", "PT6H"));
        Set<Thread> started = syncThreads();
        started.removeAll(before);
        try {
            assertEquals(1, started.size(), "one sync thread per connected satellite");
            assertTrue(started.iterator().next().isDaemon());
            JsonNode status = status(connected);
            Instant next = Instant.parse(status.get("nextScheduled").asText());
            Instant now = connected.server().clock().instant();
            assertTrue(!next.isBefore(now.plusSeconds(6 * 3600 - 60)) && !next.isAfter(now.plusSeconds(6 * 3600)),
                    "the first sync is one interval after the start: " + status);
        } finally {
            connected.close();
        }
        assertFalse(started.iterator().next().isAlive(), "the sync thread outlived its server");
    }

    static Set<Thread> syncThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("smartsat-sync") && t.isAlive()) {
                threads.add(t);
            }
        }
        return threads;
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (item.get(field).asText().equals(value)) {
                return item;
            }
        }
        return null;
    }
}
