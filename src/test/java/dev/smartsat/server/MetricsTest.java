package dev.smartsat.server;

import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import dev.smartsat.transport.TestDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} (SPEC §13): who may read it, the families it has, and labels that stay bounded. */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");
    private static final String VA = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default";

    @TempDir
    Path dir;

    /** One sample line: its metric name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {}

    @Test
    void needsABearerTokenOfAnyRole() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            TestSatellite.Response none = sat.get("/metrics", null);
            assertEquals(401, none.status(), none.toString());
            assertEquals("ERROR", none.json().get("status").asText());
            assertEquals(401, sat.get("/metrics", "not-a-token").status());
            TestSatellite.Response viewer = sat.get("/metrics", sat.tokenForRole("viewer"));
            assertEquals(200, viewer.status(), viewer.toString());
            assertTrue(viewer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), viewer.headers().toString());
        }
    }

    @Test
    void everyFamilyWithBoundedLabels() {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String registration = sat.createToken("Default", "{\"description\":\"metrics\",\"expiresAfterDays\":30,"
                    + "\"exportControlled\":\"Allowed\",\"maxUses\":null}");
            TestDevice device = new TestDevice(sat, "C9300-24UX", "METRICS1");
            assertEquals("OK", device.register(registration).status());
            assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 2L)).status());
            assertEquals("TOKEN_INVALID", new TestDevice(sat, "C9300-24UX", "METRICS2").register("no-such-token").code());
            String admin = sat.adminToken();
            assertEquals(200, sat.get(VA + "/devices/" + device.piid, admin).status());
            // not a sync file: a failed sync
            assertEquals(400, sat.post("/backend/api/v1/sync/response-file", admin, "{\"not\":\"a sync response\"}").status());
            assertEquals(404, sat.get("/no/such/" + device.piid, admin).status());
            String viewer = sat.tokenForRole("viewer");

            TestSatellite.Response scrape = sat.get("/metrics", viewer);
            assertEquals(200, scrape.status(), scrape.toString());
            List<Sample> samples = parse(scrape.body());

            assertEquals(1, value(samples, "smartsat_transport_requests_seconds_count", "type", "REGISTER", "result", "OK"));
            assertEquals(1, value(samples, "smartsat_transport_requests_seconds_count", "type", "AUTH_REQUEST", "result", "OK"));
            assertEquals(1, value(samples, "smartsat_transport_requests_seconds_count", "type", "REGISTER", "result", "TOKEN_INVALID"));
            assertTrue(has(samples, "smartsat_transport_requests_seconds_bucket", "type", "REGISTER", "le", "+Inf"));
            assertEquals(1, value(samples, "smartsat_http_requests_seconds_count", "method", "GET",
                    "route", "/backend/api/v1/accounts/{account}/virtual-accounts/{va}/devices/{piid}", "status", "200"));
            assertTrue(has(samples, "smartsat_http_requests_seconds_bucket", "route", "/backend/oauth/token"));
            assertEquals(1, value(samples, "smartsat_http_requests_seconds_count", "route", "unmatched", "status", "404"));
            assertEquals(1, value(samples, "smartsat_product_instances", "registration_status", "REGISTERED",
                    "authorization_status", "AUTHORIZED"));
            assertTrue(value(samples, "smartsat_license_pool_quantity", "virtual_account", "Default",
                    "entitlement_tag", NETWORK_ADVANTAGE) > 0);
            assertEquals(2, value(samples, "smartsat_license_pool_in_use", "account", "Example Corp",
                    "virtual_account", "Default", "entitlement_tag", NETWORK_ADVANTAGE));
            assertEquals(0, value(samples, "smartsat_sync_successes_total"));
            assertEquals(1, value(samples, "smartsat_sync_failures_total"));
            assertTrue(Double.isNaN(value(samples, "smartsat_sync_last_success_timestamp_seconds")));
            // every alert type has its series, zero included; the fresh seed has no alert condition
            for (String type : List.of("INSUFFICIENT_LICENSES", "LICENSES_EXPIRING", "LICENSES_EXPIRED",
                    "PRODUCT_FAILED_TO_CONNECT", "SYNC_OVERDUE")) {
                assertEquals(0, value(samples, "smartsat_alerts_active", "type", type), type);
            }
            for (String jvm : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads")) {
                assertTrue(samples.stream().anyMatch(s -> s.name().equals(jvm)), jvm + " missing");
            }

            List<String> secrets = List.of(device.piid, device.serial, device.certSerial, registration, admin, viewer,
                    "Example%20Corp");
            for (Sample s : samples) {
                for (String value : s.labels().values()) {
                    for (String secret : secrets) {
                        assertFalse(value.contains(secret), "label " + value + " of " + s.name() + " holds " + secret);
                    }
                }
            }
        }
    }

    /** The text format, line by line: a comment, or {@code name{labels} value} whose labels and value parse. */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                assertEquals(m.group(2).length(), end, "labels do not parse: " + line);
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        assertFalse(samples.isEmpty(), "no samples:\n" + text);
        return samples;
    }

    private static boolean has(List<Sample> samples, String name, String... labels) {
        return samples.stream().anyMatch(s -> matches(s, name, labels));
    }

    private static double value(List<Sample> samples, String name, String... labels) {
        List<Sample> found = samples.stream().filter(s -> matches(s, name, labels)).toList();
        assertEquals(1, found.size(), name + " " + List.of(labels) + ": " + found);
        return found.get(0).value();
    }

    private static boolean matches(Sample s, String name, String... labels) {
        if (!s.name().equals(name)) {
            return false;
        }
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
