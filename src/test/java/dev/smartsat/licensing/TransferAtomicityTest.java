package dev.smartsat.licensing;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Transfers move only unused quantity, and two pools always sum to the same total, also under concurrency. */
@OnEachDatabase
class TransferAtomicityTest {
    @Parameter
    TestDatabase database;

    private static final String NETWORK_ADVANTAGE = "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";

    @TempDir
    Path dir;

    @Test
    void concurrentTransfersBothWaysKeepTheTotalAndNeverGoNegative() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String admin = sat.adminToken();
            long total = quantity(sat, admin, "Default") + quantity(sat, admin, "Lab");
            assertEquals(24, total, "seed: 20 in Default, 4 in Lab");
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String from = i % 2 == 0 ? "Default" : "Lab";
                String to = i % 2 == 0 ? "Lab" : "Default";
                int quantity = 3 + i % 5;
                futures.add(pool.submit(() -> {
                    TestSatellite.Response r = transfer(sat, admin, from, to, quantity);
                    if (r.status() == 200) {
                        ok.incrementAndGet();
                    } else {
                        assertEquals(409, r.status(), r.toString());
                        refused.incrementAndGet();
                    }
                    long sum = consistentTotal(sat, admin);
                    assertEquals(total, sum, "pools must always sum to the same total");
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertEquals(80, ok.get() + refused.get());
            assertTrue(ok.get() > 0);
            assertTrue(quantity(sat, admin, "Default") >= 0 && quantity(sat, admin, "Lab") >= 0);
            JsonNode events = sat.get(ACCOUNT_PATH + "/events?type=LICENSES_TRANSFERRED&limit=1000", admin).json();
            assertEquals(2L * ok.get(), events.get("totalRecords").asLong(), "one event per side per transfer");
        }
    }

    @Test
    void onlyUnusedQuantityMoves() {
        try (TestSatellite sat = TestSatellite.start(dir, database)) {
            String admin = sat.adminToken();
            TestSatellite.Response tooMuch = transfer(sat, admin, "Lab", "Default", 5);
            assertEquals(409, tooMuch.status(), tooMuch.toString());
            assertTrue(tooMuch.json().get("message").asText().contains("only 4 unused"), tooMuch.toString());
            assertEquals(4, quantity(sat, admin, "Lab"));
            TestSatellite.Response all = transfer(sat, admin, "Lab", "Default", 4);
            assertEquals(200, all.status(), all.toString());
            assertEquals(0, quantity(sat, admin, "Lab"));
            assertEquals(24, quantity(sat, admin, "Default"));
        }
    }

    static TestSatellite.Response transfer(TestSatellite sat, String admin, String from, String to, int quantity) {
        return sat.post(ACCOUNT_PATH + "/virtual-accounts/" + from + "/licenses/transfer", admin,
                "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":" + quantity
                        + ",\"targetVirtualAccount\":\"" + to + "\"}]}");
    }

    /** Both pools read in one request, so in one database snapshot. */
    static long consistentTotal(TestSatellite sat, String admin) {
        JsonNode all = sat.post(ACCOUNT_PATH + "/licenses", admin, "{\"virtualAccounts\":[\"Default\",\"Lab\"],\"limit\":1000}")
                .json().get("licenses");
        long sum = 0;
        for (JsonNode l : all) {
            if (l.get("entitlementTag").asText().equals(NETWORK_ADVANTAGE)) {
                sum += l.get("quantity").asLong();
            }
        }
        return sum;
    }

    static long quantity(TestSatellite sat, String admin, String va) {
        for (JsonNode l : sat.get(ACCOUNT_PATH + "/virtual-accounts/" + va + "/licenses", admin).json().get("licenses")) {
            if (l.get("entitlementTag").asText().equals(NETWORK_ADVANTAGE)) {
                return l.get("quantity").asLong();
            }
        }
        return 0;
    }
}
