package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Management paths and queries with malformed percent-escapes (not %00, which decodes: a path refuses it, see
 * JettyErrorsTest), with and without a token (SPEC §4): every answer is
 * a 4xx in the JSON error shape, none is a 5xx, and the server logs no ERROR for any of them.
 */
class PercentEscapeFuzzTest {
    private static final String VA = "/backend/api/v1/accounts/Example%20Corp/virtual-accounts/Default";
    private static final List<String> BAD = List.of("%", "%z", "%zz", "%u0041", "%U0041", "%C0%AF", "%ff",
            "%e2%82", "%%", "a%2", "%G1", "%2", "%ED%A0%80", "%F8%88%80%80%80", "x%u00e9y", "%%41");
    private static final List<String> TEMPLATES = List.of(
            "GET /backend/api/v1/accounts/#/virtual-accounts",
            "GET " + VA.replace("Default", "#"),
            "GET " + VA + "/devices/#",
            "GET " + VA + "/devices?status=#",
            "GET " + VA + "/devices?q=#",
            "GET " + VA + "/devices?limit=#",
            "GET " + VA + "/devices?offset=#",
            "GET " + VA + "/devices?#=1",
            "GET " + VA + "/tokens?limit=10&q=#",
            "GET /backend/api/v1/accounts/Example%20Corp/events?type=#",
            "GET /backend/api/v1/accounts/Example%20Corp/reports/#?format=csv",
            "POST " + VA + "/tokens/#/revoke",
            "DELETE " + VA + "/tokens/#",
            "POST " + VA + "/devices/#/transfer",
            "GET /health?#",
            "GET /SmartTransport/#");

    @TempDir
    Path dir;

    @Test
    void badEscapesAnswerJson4xxAndLogNoError() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String admin = sat.adminToken();
            RawHttps raw = new RawHttps(sat);
            List<String> requests = new ArrayList<>();
            for (String template : TEMPLATES) {
                for (String bad : BAD) {
                    requests.add(template.replace("#", bad));
                }
            }
            Random random = new Random(7);
            for (int i = 0; i < 60; i++) {
                String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
                requests.add(template.replace("#", "ok" + BAD.get(random.nextInt(BAD.size()))
                        + Integer.toHexString(random.nextInt(256)) + BAD.get(random.nextInt(BAD.size()))));
            }
            List<String> failures = new ArrayList<>();
            String log = RawHttps.logDuring(() -> {
                int n = 0;
                for (String request : requests) {
                    String method = request.substring(0, request.indexOf(' '));
                    String target = request.substring(method.length() + 1);
                    RawHttps.Answer a = raw.send(method, target, n++ % 2 == 0 ? admin : null, null);
                    if (!isJsonClientError(a)) {
                        failures.add(request + " -> " + a);
                    }
                }
                return null;
            });
            assertTrue(failures.isEmpty(), failures.size() + " of " + requests.size() + " answers were not a JSON 4xx: "
                    + String.join("\n", failures));
            assertFalse(log.contains(" ERROR "), "no ERROR is logged: " + log);
        }
    }

    @Test
    void anUndecodableQueryValueIsA400NamingTheParameterNotAnUnfilteredList() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            RawHttps raw = new RawHttps(sat);
            for (String name : List.of("status", "q", "limit", "offset")) {
                RawHttps.Answer a = raw.get(VA + "/devices?" + name + "=BOGUS%zz", sat.adminToken());
                assertEquals(400, a.status(), a.toString());
                assertTrue(a.json().get("errors").has(name), "the error names " + name + ": " + a);
            }
            RawHttps.Answer path = raw.get("/backend/api/v1/accounts/%u0041/virtual-accounts", null);
            assertEquals(400, path.status(), "a bad escape is refused before the token is asked for: " + path);
            assertTrue(path.json().get("message").asText().contains("%u0041"), path.toString());
        }
    }

    static boolean isJsonClientError(RawHttps.Answer a) {
        if (a.status() < 400 || a.status() > 499 || a.contentType() == null || !a.contentType().contains("json")) {
            return false;
        }
        try {
            JsonNode body = a.json();
            return "ERROR".equals(body.path("status").asText()) && !body.path("message").asText().isBlank()
                    && body.get("errors").isObject();
        } catch (AssertionError notJson) {
            return false;
        }
    }
}
