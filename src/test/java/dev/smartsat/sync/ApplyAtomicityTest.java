package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.NETWORK_ADVANTAGE;
import static dev.smartsat.sync.SyncPair.NEW_TAG;
import static dev.smartsat.sync.SyncPair.VAS;
import static dev.smartsat.sync.SyncPair.pools;
import static dev.smartsat.sync.SyncPair.purchase;
import static dev.smartsat.sync.SyncPair.status;
import static dev.smartsat.sync.SyncPair.unchangedBySync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.store.TestSql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Applying a sync response is all or nothing (SPEC §8): a failure half-way leaves the satellite exactly as before. */
@OnEachDatabase
class ApplyAtomicityTest {
    @Parameter
    TestDatabase database;

    @Test
    void aFailureInTheMiddleOfApplyingAResponseLeavesTheSatelliteExactlyAsBefore(@TempDir Path dir) {
        try (SyncPair pair = SyncPair.start(dir, database, "disconnected")) {
            // A response that adds a virtual account, buys into Default and, replayed on top, keeps a local transfer.
            assertEquals(201, pair.upstream.post(VAS, pair.upstream.adminToken(), "{\"name\":\"Arrives\"}").status());
            assertEquals(201, purchase(pair.upstream, "Arrives", NEW_TAG, 6).status());
            assertEquals(201, purchase(pair.upstream, "Default", NEW_TAG, 8).status());
            Response answer = pair.processOnline(pair.requestFile());
            assertEquals(200, answer.status(), answer.toString());
            byte[] response = answer.body().getBytes(StandardCharsets.UTF_8);
            Response moved = pair.satellite.post(VAS + "/Default/licenses/transfer", pair.satellite.adminToken(),
                    "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":1,"
                            + "\"targetVirtualAccount\":\"Lab\"}]}");
            assertEquals(200, moved.status(), moved.toString());
            Map<String, String> before = unchangedBySync(pair.satellite);

            SatelliteSync sync = pair.satellite.server().sync().satellite();
            AtomicLong arrivedInside = new AtomicLong(-1);
            sync.probeDuringApply(h -> {
                arrivedInside.set(TestSql.of(h).createQuery("SELECT COUNT(*) FROM license_pool p JOIN virtual_account va"
                        + " ON va.id = p.virtual_account_id WHERE va.name = 'Arrives'").mapTo(Long.class).one());
                throw new IllegalStateException("injected failure in the middle of applying");
            });
            try {
                assertThrows(IllegalStateException.class, () -> sync.importResponse(response, SatelliteSync.Via.FILE));
            } finally {
                sync.probeDuringApply(null);
            }

            assertEquals(1, arrivedInside.get(), "the failure came after the pools were replaced");
            assertEquals(before, unchangedBySync(pair.satellite), "a failed application changed the satellite");
            assertEquals(404, pair.satellite.get(VAS + "/Arrives", pair.satellite.adminToken()).status());
            assertTrue(status(pair.satellite).get("lastFailureReason").asText().contains("injected failure"));

            // Nothing was used up: the same file applies in full now, the local transfer kept on top.
            Response applied = pair.upload(response);
            assertEquals(200, applied.status(), applied.toString());
            assertEquals(Map.of(NEW_TAG, 6L), pools(pair.satellite, "Arrives"));
            assertEquals(8L, pools(pair.satellite, "Default").get(NEW_TAG));
            assertEquals(pools(pair.upstream, "Default").get(NETWORK_ADVANTAGE) - 1,
                    pools(pair.satellite, "Default").get(NETWORK_ADVANTAGE));
            assertEquals(pools(pair.upstream, "Lab").get(NETWORK_ADVANTAGE) + 1,
                    pools(pair.satellite, "Lab").get(NETWORK_ADVANTAGE));
        }
    }
}
