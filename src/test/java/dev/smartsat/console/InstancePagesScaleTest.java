package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.store.SeededFleet;
import dev.smartsat.store.TestSql;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
 * What the product instance lists cost at scale (SPEC §10; issue 16 asks for 1,000,000): with {@code
 * -Dsmartsat.instancesBenchmark=N} it seeds N instances into Default ({@link SeededFleet}) and times, over real HTTPS
 * on a warmed server, the API's device list (first page, the middle page, each status filter, {@code q}), the console's
 * Product Instances page, the licenses view and a sync request file. {@code -Dsmartsat.instancesBenchmark.dir=DIR}
 * keeps the satellite's data and certs in DIR (seeded once, then reused), for {@code serve} to be measured on them
 * (examples/benchmarks/one-million.sh; {@code -Dsmartsat.instancesBenchmark.seedOnly=true} only seeds). It prints the
 * times and asserts only what the pages hold, never a duration.
 */
class InstancePagesScaleTest {
    private static final String PAGE = "/console/accounts/Example%20Corp/virtual-accounts/Default/instances";
    private static final String VA = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default";
    private static final String API = VA + "/devices";
    private static final int WARM_UP = 10;
    private static final int ROUNDS = 25;

    @TempDir
    Path dir;

    @Test
    @EnabledIfSystemProperty(named = "smartsat.instancesBenchmark", matches = "\\d+")
    void benchmark() {
        int wanted = Integer.parseInt(System.getProperty("smartsat.instancesBenchmark"));
        String keep = System.getProperty("smartsat.instancesBenchmark.dir");
        try (TestSatellite sat = TestSatellite.start(keep == null ? dir : Path.of(keep))) {
            long seeded = sat.server().store().read(tx -> TestSql.of(tx)
                    .createQuery("SELECT COUNT(*) FROM product_instance").mapTo(Long.class).one());
            if (seeded < wanted) {
                long t0 = System.nanoTime();
                SeededFleet.insert(sat, (int) (wanted - seeded));
                System.out.printf("seeded %,d instances in %.1f s%n", wanted - seeded, (System.nanoTime() - t0) / 1e9);
            }
            int count = (int) Math.max(seeded, wanted);
            if (Boolean.getBoolean("smartsat.instancesBenchmark.seedOnly")) {
                return;
            }
            String token = sat.adminToken();
            int middle = count / 2;
            String few = SeededFleet.serial(count - 7).toLowerCase();
            String piid = sat.server().store().read(tx -> TestSql.of(tx).createQuery("SELECT piid FROM product_instance"
                    + " WHERE udi_serial = ?").bind(0, SeededFleet.serial(count / 3)).mapTo(String.class).one());
            Map<String, String> api = new LinkedHashMap<>();
            api.put("first page", "");
            api.put("offset " + middle, "?offset=" + middle);
            api.put("status=AUTHORIZED", "?status=AUTHORIZED");
            api.put("status=OUT_OF_COMPLIANCE offset " + middle, "?status=OUT_OF_COMPLIANCE&offset=" + middle);
            api.put("status=REGISTERED offset " + middle, "?status=REGISTERED&offset=" + middle);
            api.put("status=REGISTRATION_EXPIRED", "?status=REGISTRATION_EXPIRED");
            api.put("status=AUTHORIZATION_EXPIRED", "?status=AUTHORIZATION_EXPIRED");
            api.put("status=RESERVED", "?status=RESERVED");
            api.put("q=" + few + " (a serial: every trigram common)", "?q=" + few);
            api.put("q=" + piid.substring(0, 8) + " (an identifier's first 8)", "?q=" + piid.substring(0, 8));
            api.put("q=seed offset " + middle, "?q=seed&offset=" + middle);
            api.put("q=c9 (2 characters) offset " + middle, "?q=c9&offset=" + middle);
            api.put("q=zz (2 characters, none)", "?q=zz");
            api.forEach((name, query) -> {
                JsonNode first = sat.get(API + query, token).json();
                System.out.printf("%,d instances, API devices %s (totalRecords %d): %s%n", count, name,
                        first.get("totalRecords").asLong(), times(() ->
                                assertEquals(200, sat.get(API + query, token).status())));
            });
            System.out.printf("%,d instances, API licenses: %s%n", count, times(() ->
                    assertEquals(200, sat.get(VA + "/licenses", token).status())));

            ConsoleBrowser b = new ConsoleBrowser(sat);
            Map<String, String> admin = sat.adminCredentials();
            assertEquals(303, b.signIn(admin.get("client_id"), admin.get("client_secret")).statusCode());
            Map<String, String> pages = new LinkedHashMap<>();
            // The chrome every console page pays (session, header, alert count), for comparison.
            pages.put("console virtual accounts page", "/console/accounts/Example%20Corp/virtual-accounts");
            pages.put("console first page", PAGE);
            pages.put("console offset " + middle, PAGE + "?offset=" + middle);
            pages.put("console status=OUT_OF_COMPLIANCE offset " + middle,
                    PAGE + "?status=OUT_OF_COMPLIANCE&offset=" + middle);
            pages.put("console q=" + few, PAGE + "?q=" + few);
            pages.forEach((name, path) -> {
                HttpResponse<String> first = b.get(path);
                assertEquals(200, first.statusCode(), first.body());
                assertTrue(!path.startsWith(PAGE) || path.contains("q=") || path.contains("status=")
                        || first.body().contains(" of " + String.format("%d", count) + "<"), first.body());
                System.out.printf("%,d instances, %s: %s%n", count, name, times(() -> {
                    HttpResponse<String> r = b.get(path);
                    assertEquals(200, r.statusCode());
                }));
            });

            HttpClient http = HttpClient.newBuilder().sslContext(TestSatellite.trusting(sat.dir().resolve("certs/ca.pem")))
                    .build();
            for (String query : List.of("", "?gzip=true", "", "?gzip=true")) {
                long t0 = System.nanoTime();
                long bytes = download(http, sat, token, "/backend/api/v1/sync/request-file" + query);
                System.out.printf("%,d instances, sync request file%s: %,d bytes in %d ms%n", count, query, bytes,
                        (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    /** Reads an answer to its end without keeping it: the bytes it had. */
    private static long download(HttpClient http, TestSatellite sat, String token, String path) {
        HttpRequest get = HttpRequest.newBuilder(sat.uri(path)).header("Authorization", "Bearer " + token).build();
        try (InputStream in = http.send(get, HttpResponse.BodyHandlers.ofInputStream()).body()) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
