package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.sync.SyncPair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The satellite-wide pages over HTTP (SPEC §12): who may see and post what on Synchronization, API Clients and
 * Simulation, the CSRF token on every post (the upload's in its query), the upload's size limit and a rejected
 * file, and the domain's words for bad input — each change, or its absence, checked through the API.
 */
class SatellitePagesTest {
    private static final String API = "/backend/api/v1";
    private static final String ALERTS = "/console/accounts/Example%20Corp/alerts";
    private static final int SYNC_MAX = 64 * 1024;

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static String admin;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir.resolve("sat"), Map.of(), TestSatellite.flags("sync.max_bytes", SYNC_MAX));
        admin = sat.adminToken();
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }


    @Test
    void aViewerSeesNoWriteControlAndEveryForgedPostIsRefusedChangingNothing() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "viewer");
        String page = b.get("/console/sync").body();
        assertTrue(page.contains("id=\"satellite-id\""), page);
        for (String control : List.of("Synchronize Now", "Download Request File", "Upload Response File", "type=\"file\"")) {
            assertFalse(page.contains(control), control + " shown to a viewer: " + page);
        }
        String adminPage = ConsoleBrowser.signedIn(sat, "admin").get("/console/sync").body();
        assertTrue(adminPage.contains("Download Request File") && adminPage.contains("Upload Response File"), adminPage);
        assertFalse(page.contains("href=\"/console/clients\"") || page.contains("href=\"/console/simulation\""), page);
        assertEquals(403, b.get("/console/clients").statusCode());
        assertEquals(403, b.get("/console/simulation").statusCode());
        assertEquals(200, b.get(ALERTS).statusCode());

        assertEquals(200, sat.json("PUT", API + "/sim/clock", admin, "{\"advance\":\"P1D\"}").status());
        assertEquals(200, sat.post(API + "/sim/faults", admin, "{\"upstream\":{\"failRate\":0.25}}").status());
        String before = satelliteState();
        String csrf = ConsoleBrowser.csrfOf(page);
        String adminId = sat.adminCredentials().get("client_id");
        Map<String, Map<String, String>> posts = new LinkedHashMap<>();
        posts.put("/console/sync/now", Map.of());
        posts.put("/console/sync/request-file", Map.of());
        posts.put("/console/clients", Map.of("name", "by a viewer", "role", "admin"));
        posts.put("/console/clients/" + adminId + "/remove", Map.of());
        posts.put("/console/simulation/advance", Map.of("advance", "P30D"));
        posts.put("/console/simulation/set", Map.of("now", "2030-01-01T00:00:00Z"));
        posts.put("/console/simulation/reset", Map.of());
        posts.put("/console/simulation/faults", Map.of("transport.failRate", "1"));
        posts.put("/console/simulation/faults/clear", Map.of());
        posts.forEach((path, fields) -> {
            Map<String, String> form = new LinkedHashMap<>(fields);
            form.put("csrf", csrf);
            HttpResponse<String> r = b.post(path, form);
            assertEquals(403, r.statusCode(), path + ": " + r.body());
            assertTrue(r.body().contains("role viewer may not"), r.body());
        });
        HttpResponse<String> upload = upload(b, "/console/sync/response-file?csrf=" + csrf, "garbage".getBytes());
        assertEquals(403, upload.statusCode(), upload.body());
        assertEquals(before, satelliteState());
        sat.post(API + "/sim/faults", admin, "{}");
    }

    @Test
    void anOperatorMayDownloadTheRequestFileButNotManageClientsOrTheSimulation() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "operator");
        assertEquals(403, b.get("/console/clients").statusCode());
        assertEquals(403, b.get("/console/simulation").statusCode());
        String csrf = ConsoleBrowser.csrfOf(b.get("/console/sync").body());
        long clients = clientCount();
        String clock = sat.get(API + "/sim/clock", admin).json().get("offset").asText();
        assertEquals(403, b.post("/console/clients", Map.of("csrf", csrf, "name", "by an operator", "role", "admin"))
                .statusCode());
        assertEquals(403, b.post("/console/simulation/advance", Map.of("csrf", csrf, "advance", "P2D")).statusCode());
        assertEquals(clients, clientCount());
        assertEquals(clock, sat.get(API + "/sim/clock", admin).json().get("offset").asText());

        long issued = syncStatus().get("lastSequenceIssued").asLong();
        HttpResponse<String> file = b.post("/console/sync/request-file", Map.of("csrf", csrf));
        assertEquals(200, file.statusCode(), file.body());
        String disposition = file.headers().firstValue("Content-Disposition").orElseThrow();
        assertTrue(disposition.startsWith("attachment; filename=\"sync-request-")
                && disposition.endsWith("-" + (issued + 1) + ".json\""), disposition);
        assertEquals("no-store", file.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(file.body().contains("SYNC_REQUEST"), file.body());
        assertEquals(issued + 1, syncStatus().get("lastSequenceIssued").asLong(), "a new request, a new sequence");

        HttpResponse<String> gz = b.post("/console/sync/request-file", Map.of("csrf", csrf, "gzip", "true"));
        assertEquals(200, gz.statusCode());
        assertEquals("application/gzip", gz.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(gz.headers().firstValue("Content-Disposition").orElseThrow().endsWith(".json.gz\""));
    }

    @Test
    void aPostWithoutItsCsrfTokenIsRefusedTheUploadsToo() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String before = satelliteState();
        assertEquals(403, b.post("/console/sync/request-file", Map.of()).statusCode());
        assertEquals(403, b.post("/console/clients", Map.of("name", "no csrf", "role", "viewer")).statusCode());
        assertEquals(403, b.post("/console/simulation/advance", Map.of("advance", "P3D")).statusCode());
        String csrf = ConsoleBrowser.csrfOf(b.get("/console/sync").body());
        // The multipart form carries its token in the action's query; in the body it is not looked for.
        assertEquals(403, upload(b, "/console/sync/response-file", "garbage".getBytes(), "csrf", csrf).statusCode());
        assertEquals(403, upload(b, "/console/sync/response-file?csrf=forged", "garbage".getBytes()).statusCode());
        assertEquals(before, satelliteState());
    }

    @Test
    void synchronizeNowIsTheApisSyncItsFailureShowsTheReasonAndInDisconnectedModeItIs409(@TempDir Path own) {
        ConsoleBrowser disconnected = ConsoleBrowser.signedIn(sat, "admin");
        TestSatellite.Response api = sat.post(API + "/sync/now", admin, "");
        assertEquals(409, api.status(), api.toString());
        HttpResponse<String> refused = disconnected.post("/console/sync/now",
                Map.of("csrf", ConsoleBrowser.csrfOf(disconnected.get("/console/sync").body())));
        assertEquals(409, refused.statusCode());
        assertTrue(unescape(refused.body()).contains(api.json().get("message").asText()), refused.body());

        try (SyncPair pair = SyncPair.start(own, "connected")) {
            TestSatellite connected = pair.satellite;
            String token = connected.adminToken();
            ConsoleBrowser b = new ConsoleBrowser(connected);
            Map<String, String> c = connected.adminCredentials();
            assertEquals(303, b.signIn(c.get("client_id"), c.get("client_secret")).statusCode());
            String page = b.get("/console/sync").body();
            assertTrue(page.contains("Synchronize Now") && page.contains("id=\"next-scheduled\""), page);
            String csrf = ConsoleBrowser.csrfOf(page);

            assertEquals(200, connected.post(API + "/sim/faults", token, "{\"upstream\":{\"failRate\":1.0,\"status\":503}}").status());
            HttpResponse<String> failed = b.post("/console/sync/now", Map.of("csrf", csrf));
            assertEquals(502, failed.statusCode(), failed.body());
            String reason = connected.get(API + "/sync", token).json().get("lastFailureReason").asText();
            assertTrue(reason.contains("injected") && reason.contains("503"), reason);
            assertTrue(failed.body().contains("id=\"now-error\"") && unescape(failed.body()).contains(reason), failed.body());
            assertEquals(0, connected.get(API + "/sync", token).json().get("lastSequenceApplied").asLong());

            assertEquals(200, connected.post(API + "/sim/faults", token, "{}").status());
            HttpResponse<String> synced = b.post("/console/sync/now", Map.of("csrf", csrf));
            assertEquals(303, synced.statusCode(), synced.body());
            JsonNode status = connected.get(API + "/sync", token).json();
            assertEquals(status.get("lastSequenceIssued").asLong(), status.get("lastSequenceApplied").asLong(), status.toString());
            assertTrue(status.get("lastSequenceApplied").asLong() >= 2, status.toString());
        }
    }

    @Test
    void anUploadDeclaredLargerThanSyncMaxBytesIs413BeforeItsBodyIsRead() throws IOException {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(b.get("/console/sync").body());
        long failures = syncFailures();
        // The headers and the first bytes only (Jetty dispatches a request once some of its body is there): an
        // answer proves that the server did not wait for the gigabyte announced.
        try (SSLSocket socket = (SSLSocket) TestSatellite.trusting(sat.dir().resolve("certs/ca.pem")).getSocketFactory()
                .createSocket("localhost", sat.server().port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /console/sync/response-file?csrf=" + csrf + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Cookie: smartsat_session=" + b.cookies.get("smartsat_session") + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000000\r\n\r\n"
                    + "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.json\"\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 413 Payload Too Large", in.readLine());
            StringBuilder answer = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.contains("</html>"); line = in.readLine()) {
                answer.append(line).append('\n');
            }
            assertTrue(answer.toString().contains("the request body is larger than " + SYNC_MAX + " bytes"), answer.toString());
        }
        assertEquals(failures, syncFailures(), "nothing was read, so there was no sync to fail");
        // A real file one byte too large, sent in full.
        HttpResponse<String> r = upload(b, "/console/sync/response-file?csrf=" + csrf, new byte[SYNC_MAX + 1]);
        assertEquals(413, r.statusCode(), r.body());
    }

    @Test
    void aGarbageResponseFileGetsTheApisWordsChangesNothingAndIsRecordedAsAFailure() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(b.get("/console/sync").body());
        byte[] garbage = "this is not a sync response".getBytes(StandardCharsets.UTF_8);
        TestSatellite.Response api = sat.send("POST", API + "/sync/response-file", admin, "application/json",
                HttpRequest.BodyPublishers.ofByteArray(garbage));
        assertTrue(api.status() >= 400 && api.status() < 500, api.toString());
        String words = api.json().get("message").asText();

        long failures = syncFailures();
        JsonNode before = syncStatus();
        HttpResponse<String> r = upload(b, "/console/sync/response-file?csrf=" + csrf, garbage);
        assertEquals(api.status(), r.statusCode(), r.body());
        assertTrue(unescape(r.body()).contains(words), words + " not in " + r.body());
        assertTrue(r.body().contains("id=\"response-error\""), r.body());
        assertEquals(failures + 1, syncFailures(), "recorded as a failed sync, as the API records it");
        JsonNode after = syncStatus();
        assertEquals(before.get("lastSequenceApplied"), after.get("lastSequenceApplied"));
        assertEquals(before.get("lastSuccess"), after.get("lastSuccess"));
        assertTrue(after.get("lastFailureReason").asText().contains(words), after.toString());
        assertNotEquals(before.get("lastFailure"), after.get("lastFailure"));
    }

    @Test
    void anApiClientsSecretIsShownOnceUncachedAndItsEventsAreTheApis() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(b.get("/console/clients").body());
        long created = eventCount("CLIENT_CREATED");
        HttpResponse<String> r = b.post("/console/clients", Map.of("csrf", csrf, "name", "Made In Console", "role", "operator"));
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        String id = attribute(r.body(), "created-client-id");
        String secret = attribute(r.body(), "created-client-secret");
        assertTrue(id.startsWith("client-"), id);
        assertFalse(b.get("/console/clients").body().contains(secret), "shown once only");
        sat.token(id, secret);
        assertEquals(created + 1, eventCount("CLIENT_CREATED"));
        JsonNode listed = sat.get(API + "/clients?limit=1000", admin).json().get("clients");
        assertTrue(listed.toString().contains("\"role\":\"operator\"") && listed.toString().contains(id), listed.toString());

        // The API's words for a bad role and an empty name, beside the form, which keeps what was typed.
        HttpResponse<String> badRole = b.post("/console/clients", Map.of("csrf", csrf, "name", "Kept", "role", "root"));
        assertEquals(422, badRole.statusCode());
        String apiWords = sat.post(API + "/clients", admin, "{\"name\":\"x\",\"role\":\"root\"}").json().get("message").asText();
        assertTrue(unescape(badRole.body()).contains(apiWords), badRole.body());
        assertTrue(badRole.body().contains("value=\"Kept\""), badRole.body());
        assertEquals(422, b.post("/console/clients", Map.of("csrf", csrf, "name", " ", "role", "viewer")).statusCode());

        long removed = eventCount("CLIENT_REMOVED");
        HttpResponse<String> remove = b.post("/console/clients/" + id + "/remove", Map.of("csrf", csrf));
        assertEquals(303, remove.statusCode(), remove.body());
        assertEquals(removed + 1, eventCount("CLIENT_REMOVED"));
        assertFalse(sat.get(API + "/clients?limit=1000", admin).body().contains(id));
        HttpResponse<String> again = b.post("/console/clients/" + id + "/remove", Map.of("csrf", csrf));
        assertEquals(404, again.statusCode());
        assertTrue(again.body().contains("no API client with id"), again.body());
    }

    @Test
    void theSimulationFormsGiveTheApisWordsForBadInputAndChangeNothing() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(b.get("/console/simulation").body());
        String before = satelliteState();
        assertApisWords(b.post("/console/simulation/advance", Map.of("csrf", csrf, "advance", "P1X")),
                sat.json("PUT", API + "/sim/clock", admin, "{\"advance\":\"P1X\"}"), "value=\"P1X\"");
        assertApisWords(b.post("/console/simulation/set", Map.of("csrf", csrf, "now", "9999-01-01T00:00:00Z")),
                sat.json("PUT", API + "/sim/clock", admin, "{\"now\":\"9999-01-01T00:00:00Z\"}"), "9999-01-01");
        assertApisWords(b.post("/console/simulation/faults", faults(csrf, "2", "503")),
                sat.post(API + "/sim/faults", admin, "{\"transport\":{\"failRate\":2}}"), "value=\"2\"");
        assertApisWords(b.post("/console/simulation/faults", faults(csrf, "half", "503")),
                sat.post(API + "/sim/faults", admin, "{\"transport\":{\"failRate\":\"half\"}}"), "value=\"half\"");
        assertApisWords(b.post("/console/simulation/faults", faults(csrf, "0.5", "teapot")),
                sat.post(API + "/sim/faults", admin, "{\"transport\":{\"status\":\"teapot\"}}"), "value=\"teapot\"");
        assertApisWords(b.post("/console/simulation/faults", faults(csrf, "0.5", "200")),
                sat.post(API + "/sim/faults", admin, "{\"transport\":{\"status\":200}}"), "value=\"200\"");
        assertEquals(before, satelliteState());

        long clockEvents = eventCount("CLOCK_CHANGED");
        String offset = sat.get(API + "/sim/clock", admin).json().get("offset").asText();
        assertEquals(303, b.post("/console/simulation/advance", Map.of("csrf", csrf, "advance", "PT1H")).statusCode());
        assertEquals(java.time.Duration.parse(offset).plusHours(1).toString(),
                sat.get(API + "/sim/clock", admin).json().get("offset").asText());
        assertEquals(clockEvents + 1, eventCount("CLOCK_CHANGED"));
    }

    @Test
    void badAlertFiltersAre400WithTheApisWords() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "viewer");
        for (String query : List.of("?type=NOT_A_TYPE", "?active=maybe", "?offset=-1", "?limit=x", "?virtualAccount=Nope")) {
            HttpResponse<String> page = b.get(ALERTS + query);
            TestSatellite.Response api = sat.get(TestSatellite.ACCOUNT_PATH + "/alerts" + query, admin);
            assertEquals(api.status(), page.statusCode(), query + ": " + page.body());
            assertTrue(unescape(page.body()).contains(api.json().get("message").asText()), page.body());
        }
        assertEquals(400, b.get(ALERTS + "?type=NOT_A_TYPE").statusCode());
        assertEquals(404, b.get("/console/accounts/Nobody/alerts").statusCode());
        String page = b.get(ALERTS + "?type=SYNC_OVERDUE&active=true&virtualAccount=Default").body();
        assertTrue(page.contains("<option value=\"SYNC_OVERDUE\" selected>"), page);
        assertTrue(page.contains("<option value=\"true\" selected>Active</option>"), page);
        assertTrue(page.contains("<label for=\"virtualAccount\">Virtual Account</label>"), page);
    }

    @Test
    void simulationPagesAre404WhenTheControlsAreOff() {
        try (TestSatellite off = TestSatellite.start(dir.resolve("off"), Map.of(),
                TestSatellite.flags("simulation.enabled", false))) {
            ConsoleBrowser b = new ConsoleBrowser(off);
            Map<String, String> c = off.adminCredentials();
            assertEquals(303, b.signIn(c.get("client_id"), c.get("client_secret")).statusCode());
            String sync = b.get("/console/sync").body();
            assertFalse(sync.contains("href=\"/console/simulation\""), "no link to it");
            HttpResponse<String> page = b.get("/console/simulation");
            assertEquals(404, page.statusCode());
            assertTrue(page.body().contains("simulation controls are off"), page.body());
            HttpResponse<String> post = b.post("/console/simulation/advance",
                    Map.of("csrf", ConsoleBrowser.csrfOf(sync), "advance", "P1D"));
            assertEquals(404, post.statusCode());
            assertEquals("PT0S", off.server().clock().offset().toString(), "the clock did not move");
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertApisWords(HttpResponse<String> page, TestSatellite.Response api, String kept) {
        assertTrue(api.status() >= 400 && api.status() < 500, api.toString());
        assertEquals(api.status(), page.statusCode(), page.body());
        assertTrue(unescape(page.body()).contains(api.json().get("message").asText()), api + " not in " + page.body());
        assertTrue(page.body().contains(kept), "the form keeps what was typed: " + page.body());
    }

    private static Map<String, String> faults(String csrf, String failRate, String status) {
        return Map.of("csrf", csrf, "transport.failRate", failRate, "transport.status", status,
                "transport.delayMs", "0", "upstream.failRate", "0", "upstream.status", "503", "upstream.delayMs", "0");
    }

    /** What a refused post must leave as it was: the sync state, the clients, the clock's offset and the faults. */
    private static String satelliteState() {
        JsonNode sync = syncStatus();
        return "sync " + sync.get("lastSequenceIssued") + " " + sync.get("lastSequenceApplied") + " "
                + sync.get("lastFailure") + "; clients " + sat.get(API + "/clients?limit=1000", admin).body()
                + "; offset " + sat.get(API + "/sim/clock", admin).json().get("offset")
                + "; faults " + sat.get(API + "/sim/faults", admin).body();
    }

    private static JsonNode syncStatus() {
        return sat.get(API + "/sync", admin).json();
    }

    private static long clientCount() {
        return sat.get(API + "/clients", admin).json().get("totalRecords").asLong();
    }

    private static long syncFailures() {
        return eventCount("SYNC_FAILED");
    }

    private static long eventCount(String type) {
        return sat.get(API + "/events?type=" + type, admin).json().get("totalRecords").asLong();
    }

    private static String attribute(String html, String id) {
        var m = java.util.regex.Pattern.compile("id=\"" + id + "\" value=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), id + " not on the page: " + html);
        return m.group(1);
    }

    /** The page's text as a reader sees it: jte escapes quotes and the like. */
    private static String unescape(String html) {
        return html.replace("&#39;", "'").replace("&#34;", "\"").replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&");
    }

    /**
     * A browser's file upload: the multipart part {@code file}, with any extra form fields ({@code name, value}
     * pairs), sent with the browser's cookies.
     */
    static HttpResponse<String> upload(ConsoleBrowser b, String path, byte[] file, String... fields) {
        String boundary = "----SmartSatConsoleBoundary42";
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(fields[i])
                    .append("\"\r\n\r\n").append(fields[i + 1]).append("\r\n");
        }
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\";"
                + " filename=\"response.json\"\r\nContent-Type: application/json\r\n\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[start.length + file.length + end.length];
        System.arraycopy(start, 0, body, 0, start.length);
        System.arraycopy(file, 0, body, start.length, file.length);
        System.arraycopy(end, 0, body, start.length + file.length, end.length);
        return b.post(path, "multipart/form-data; boundary=" + boundary, HttpRequest.BodyPublishers.ofByteArray(body));
    }
}
