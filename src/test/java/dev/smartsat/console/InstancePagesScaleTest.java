package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import dev.smartsat.sync.LargeSyncTest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Product Instances page costs at scale (SPEC §10: 100,000 instances): with {@code
 * -Dsmartsat.instancesBenchmark=N} it writes N instances into Default and times the first page and a deep one of the
 * console, and the API's list beside them, on a warmed server. It prints the times and asserts only the pages' content,
 * never a duration.
 */
class InstancePagesScaleTest {
    private static final String PAGE = "/console/accounts/Example%20Corp/virtual-accounts/Default/instances";
    private static final String API = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/devices";
    private static final int WARM_UP = 20;
    private static final int ROUNDS = 25;

    @TempDir
    Path dir;

    @Test
    @EnabledIfSystemProperty(named = "smartsat.instancesBenchmark", matches = "\\d+")
    void benchmark() {
        int count = Integer.parseInt(System.getProperty("smartsat.instancesBenchmark"));
        try (TestSatellite sat = TestSatellite.start(dir)) {
            LargeSyncTest.insertInstances(sat, count);
            ConsoleBrowser b = new ConsoleBrowser(sat);
            Map<String, String> admin = sat.adminCredentials();
            assertEquals(303, b.signIn(admin.get("client_id"), admin.get("client_secret")).statusCode());
            int deep = Math.max(0, count - 1000);
            Map<String, String> pages = new LinkedHashMap<>();
            // The chrome every console page pays (session, header, alert count), for comparison.
            pages.put("console virtual accounts page", "/console/accounts/Example%20Corp/virtual-accounts");
            pages.put("console first page", PAGE);
            pages.put("console offset " + deep, PAGE + "?offset=" + deep);
            pages.put("console status=AUTHORIZED offset " + deep, PAGE + "?status=AUTHORIZED&offset=" + deep);
            pages.put("console q=switch-9999", PAGE + "?q=switch-9999");
            pages.forEach((name, path) -> {
                HttpResponse<String> first = b.get(path);
                assertEquals(200, first.statusCode(), first.body());
                assertTrue(first.body().contains(" of " + count + "<") || !path.startsWith(PAGE + "?o")
                        && !path.equals(PAGE), first.body());
                System.out.printf("%,d instances, %s: %s%n", count, name, times(() -> {
                    HttpResponse<String> r = b.get(path);
                    assertEquals(200, r.statusCode());
                }));
            });
            String token = sat.adminToken();
            for (String query : List.of("", "?offset=" + deep)) {
                System.out.printf("%,d instances, API devices%s: %s%n", count, query, times(() ->
                        assertEquals(200, sat.get(API + query, token).status())));
            }
        }
    }

    /** The median and the slowest of {@link #ROUNDS} timed runs, after {@link #WARM_UP} untimed ones. */
    private static String times(Runnable request) {
        for (int i = 0; i < WARM_UP; i++) {
            request.run();
        }
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            request.run();
            micros.add((System.nanoTime() - t0) / 1000);
        }
        Collections.sort(micros);
        return String.format("median %.1f ms, slowest %.1f ms (of %d)", micros.get(ROUNDS / 2) / 1000.0,
                micros.get(ROUNDS - 1) / 1000.0, ROUNDS);
    }
}
