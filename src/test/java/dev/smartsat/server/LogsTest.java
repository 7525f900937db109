package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Await;
import dev.smartsat.TestSatellite;
import dev.smartsat.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The logs of SPEC §13, captured as the server writes them: monitoring polls add no line, a management call adds
 * one (one JSON object in the json format), and no line of either format holds a credential.
 */
class LogsTest {
    private static final String VA = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default";
    private static final String TOKEN_BODY = "{\"description\":\"logs\",\"expiresAfterDays\":30,"
            + "\"exportControlled\":\"Allowed\",\"maxUses\":null}";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @AfterEach
    void restoreLogging() {
        Logging.reset();
    }

    /** The server as `serve` starts it: logging applied from the settings, the access log at its default level. */
    private TestSatellite start(String format) {
        Logging.apply(new Settings.Logging(format, "info"), captured);
        // the tests' logback-test.xml quiets the access log for the rest of the build; here it is the subject
        ((Logger) LoggerFactory.getLogger("smartsat.access")).setLevel(null);
        return TestSatellite.start(dir);
    }

    private List<String> lines() {
        String text = captured.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /** Access lines are written once the answer has gone: wait for the one a request makes. */
    private void awaitLine(String fragment) throws InterruptedException {
        try {
            Await.until(() -> lines().stream().anyMatch(l -> l.contains(fragment)), "a log line with " + fragment);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the log:\n" + captured.toString(StandardCharsets.UTF_8), e);
        }
    }

    @Test
    void healthPollsAddNoLineByDefault() throws Exception {
        try (TestSatellite sat = start("text")) {
            String admin = sat.adminToken();
            for (int i = 0; i < 120; i++) {
                assertEquals(200, sat.get("/health", null).status());
            }
            assertEquals(200, sat.get("/metrics", admin).status());
            assertEquals(200, sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts", admin).status());
            awaitLine("/virtual-accounts 200");
            List<String> lines = lines();
            assertTrue(lines.stream().noneMatch(l -> l.contains("/health") || l.contains("/metrics")), String.join("\n", lines));
            String call = lines.stream().filter(l -> l.contains("GET " + TestSatellite.ACCOUNT_PATH)).findFirst().orElseThrow();
            // ISO timestamp, level, logger, message
            assertTrue(call.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  access - GET \\S+ 200 \\d+ms client=\\S+"),
                    call);
        }
    }

    @Test
    void jsonIsOneObjectPerLineAndAManagementCallIsOneLine() throws Exception {
        try (TestSatellite sat = start("json")) {
            String admin = sat.adminToken();
            assertEquals(200, sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts", admin).status());
            awaitLine(TestSatellite.ACCOUNT_PATH.replace("%20", "%20") + "/virtual-accounts");
            List<JsonNode> objects = new ArrayList<>();
            for (String line : lines()) {
                JsonNode node = parse(line);
                assertTrue(node.isObject(), line);
                objects.add(node);
            }
            List<JsonNode> calls = objects.stream().filter(o -> o.path("path").asText().endsWith("/virtual-accounts")).toList();
            assertEquals(1, calls.size(), objects.toString());
            JsonNode call = calls.get(0);
            assertEquals("GET", call.get("method").asText());
            assertEquals(200, call.get("status").asInt());
            assertTrue(call.get("ms").isNumber(), call.toString());
            assertEquals(sat.adminCredentials().get("client_id"), call.get("client").asText());
            assertEquals("smartsat.access", call.get("logger_name").asText());
            assertEquals("INFO", call.get("level").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void noLineHoldsACredential(String format) throws Exception {
        try (TestSatellite sat = start(format)) {
            Map<String, String> admin = sat.adminCredentials();
            String bearer = sat.adminToken();
            assertEquals(401, sat.form("/backend/oauth/token", Map.of("grant_type", "client_credentials",
                    "client_id", admin.get("client_id"), "client_secret", admin.get("client_secret") + "x")).status());
            TestSatellite.Client viewer = sat.newClient("viewer");
            String registration = sat.createToken("Default", TOKEN_BODY);
            assertEquals(401, sat.post(VA + "/tokens/" + registration + "/revoke", null, "").status());
            assertEquals(200, sat.post(VA + "/tokens/" + registration + "/revoke", bearer, "").status());
            assertEquals(204, sat.delete(VA + "/tokens/" + registration, bearer).status());
            // a failure whose message holds credentials, as an exception from a library might
            LoggerFactory.getLogger(LogsTest.class).error("the upstream refused the call",
                    new IllegalStateException("Authorization: Bearer " + bearer + " client_secret=" + viewer.secret()));
            awaitLine("/tokens/" + registration.substring(0, 8) + "... 204");

            String text = captured.toString(StandardCharsets.UTF_8);
            for (String secret : List.of(admin.get("client_secret"), bearer, viewer.secret(), registration)) {
                assertFalse(text.contains(secret), "a credential is in the log:\n" + text);
                assertFalse(text.contains(secret.substring(0, 20)), "a credential's start is in the log:\n" + text);
            }
            assertTrue(text.contains("/tokens/" + registration.substring(0, 8) + ".../revoke 401"), text);
            assertTrue(text.contains("the upstream refused the call"), text);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return TestSatellite.JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + line, e);
        }
    }
}
