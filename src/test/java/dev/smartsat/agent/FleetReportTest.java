package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fleet's report: the exact JSON object of SPEC §10 and a summary with every outcome. */
class FleetReportTest {
    static final FleetReport REPORT = new FleetReport(1000, 8, 990, 980, 1.5, 2.0, 0.5,
            new Percentiles(1.5, 3.25, 7.0), new Percentiles(0.5, 1.0, 2.0),
            Map.of("TOKEN_EXHAUSTED", 10L), Map.of("OK_TRY_AGAIN", 10L), Map.of("AUTHORIZED", 980L));

    static List<String> keys(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void jsonHasExactlyTheSpecsKeysInOrder() throws Exception {
        JsonNode json = new ObjectMapper().readTree(REPORT.toJson());
        assertEquals(List.of("devices", "concurrency", "registered", "authorized", "failed", "seconds",
                "registrationsPerSecond", "authorizationsPerSecond", "latencyMs"), keys(json));
        assertEquals(List.of("register", "authorize"), keys(json.get("latencyMs")));
        assertEquals(List.of("p50", "p95", "p99"), keys(json.get("latencyMs").get("register")));
        assertEquals(1000, json.get("devices").asInt());
        assertEquals(20, json.get("failed").asInt());
        assertEquals(2.5, json.get("seconds").asDouble());
        assertEquals(495.0, json.get("registrationsPerSecond").asDouble());
        assertEquals(1960.0, json.get("authorizationsPerSecond").asDouble());
        assertEquals(3.25, json.get("latencyMs").get("register").get("p95").asDouble());
        assertTrue(REPORT.toJson().indexOf('\n') < 0, "one line");
    }

    @Test
    void noSamplesGiveNullPercentiles() throws Exception {
        FleetReport none = new FleetReport(1, 1, 0, 0, 0, 0.1, 0, null, null, Map.of("TOKEN_INVALID", 1L), Map.of(), Map.of());
        JsonNode json = new ObjectMapper().readTree(none.toJson());
        assertTrue(json.get("latencyMs").get("authorize").get("p50").isNull());
        assertEquals(0.0, json.get("authorizationsPerSecond").asDouble());
    }

    @Test
    void aWarmupIsReportedApartFromTheMeasuredRun() throws Exception {
        FleetReport warmup = new FleetReport(500, 8, 500, 499, 1.0, 1.0, 0.25, null, null, Map.of(),
                Map.of("OK_TRY_AGAIN", 1L), Map.of("AUTHORIZED", 499L));
        FleetReport report = REPORT.withWarmup(warmup);
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(List.of("devices", "concurrency", "registered", "authorized", "failed", "seconds",
                "registrationsPerSecond", "authorizationsPerSecond", "latencyMs", "warmup"), keys(json));
        assertEquals(20, json.get("failed").asInt(), "the measured run's failures only");
        JsonNode w = json.get("warmup");
        assertEquals(List.of("devices", "registered", "authorized", "failed", "seconds", "registrationsPerSecond",
                "authorizationsPerSecond"), keys(w));
        assertEquals(500, w.get("devices").asInt());
        assertEquals(1, w.get("failed").asInt());
        assertEquals(1.25, w.get("seconds").asDouble());
        assertEquals(1996.0, w.get("authorizationsPerSecond").asDouble());
        String summary = String.join("\n", report.summary());
        assertTrue(summary.startsWith("Warm-up, not measured: 500 devices, 500 registered, 499 authorized, 1 failed"),
                summary);
    }

    @Test
    void howTheRunUsedConnectionsFollowsTheSpecsKeys() throws Exception {
        FleetReport report = new FleetReport(1000, 8, 1000, 1000, 1.5, 2.0, 0.5, null, null, Map.of(), Map.of(),
                Map.of("AUTHORIZED", 1000L), null, null, FleetReport.OutOfCompliance.NONE,
                new FleetReport.ConnectionUse(AgentHttpClient.Connections.NEW, 2001, 2001));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertEquals(List.of("devices", "concurrency", "registered", "authorized", "failed", "seconds",
                "registrationsPerSecond", "authorizationsPerSecond", "latencyMs", "connections", "requests",
                "tlsHandshakes", "handshakesPerSecond"), keys(json));
        assertEquals("new", json.get("connections").asText());
        assertEquals(2001, json.get("requests").asLong());
        assertEquals(2001, json.get("tlsHandshakes").asLong());
        assertEquals(800.4, json.get("handshakesPerSecond").asDouble(), "over both timed phases, 2.5 s");
        String summary = String.join("\n", report.summary());
        assertTrue(summary.contains("connections  new: 2001 TLS handshakes for 2001 requests (800.4 handshakes/s)"),
                summary);
        FleetReport kept = report.withWarmup(REPORT);
        assertEquals(report.connections(), kept.connections(), "a warm-up keeps the measured run's connections");
    }

    @Test
    void theSummaryNamesEveryOutcome() {
        String summary = String.join("\n", REPORT.summary());
        assertTrue(summary.contains("TOKEN_EXHAUSTED"), summary);
        assertTrue(summary.contains("OK_TRY_AGAIN"), summary);
        assertTrue(summary.contains("authorization_status AUTHORIZED"), summary);
        assertTrue(summary.contains("registrations/s") && summary.contains("authorizations/s"), summary);
        assertTrue(summary.contains("p99"), summary);
    }

    @Test
    void devicesOutOfComplianceAreCountedWithTheWarmUpsAndNamedInOneWarning() throws Exception {
        FleetReport warmup = new FleetReport(500, 8, 500, 500, 1.0, 1.0, 0.25, null, null, Map.of(), Map.of(),
                Map.of("AUTHORIZED", 20L, "OUT_OF_COMPLIANCE", 480L), null, null,
                new FleetReport.OutOfCompliance(480, 500, "Default", Map.of("NA", "OUT_OF_COMPLIANCE")), null);
        FleetReport measured = new FleetReport(20000, 32, 20000, 20000, 1.0, 10.0, 5.0, null, null, Map.of(), Map.of(),
                Map.of("OUT_OF_COMPLIANCE", 20000L), null, null, new FleetReport.OutOfCompliance(20000, 20000,
                "Default", Map.of("NA", "OUT_OF_COMPLIANCE", "BOGUS", "INVALID_TAG")), null).withWarmup(warmup);
        JsonNode out = new ObjectMapper().readTree(measured.toJson()).get("outOfCompliance");
        assertEquals(List.of("devices", "of", "virtualAccount", "tags"), keys(out));
        assertEquals(20480, out.get("devices").asInt());
        assertEquals(20500, out.get("of").asInt());
        assertEquals("INVALID_TAG", out.get("tags").get("BOGUS").asText());
        assertEquals("warning: 20,480 of 20,500 devices are OUT_OF_COMPLIANCE in virtual account Default: BOGUS"
                + " (INVALID_TAG), NA (pool exhausted). Their usage counts against Default's pools until they are"
                + " removed or deregistered; to leave a real account in compliance, run fleets with a token of a"
                + " virtual account of their own, or on a fresh --data-dir.", measured.allOutOfCompliance().warning());
        assertNull(REPORT.allOutOfCompliance().warning(), "in compliance: nothing to say");
    }
}
