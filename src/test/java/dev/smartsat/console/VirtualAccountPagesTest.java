package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A virtual account's General, Licenses and Event Log tabs over HTTP (SPEC §12): a viewer sees no control that
 * changes state and its forged posts are refused, a post without its CSRF token is refused, an oversized upload is
 * a 413, bad input is refused in the API's words, and every refusal leaves the API's view of the satellite as it was.
 */
class VirtualAccountPagesTest {
    private static final String VAS = "/console/accounts/Example%20Corp/virtual-accounts";
    private static final String LAB = VAS + "/Lab";
    private static final String API_VAS = TestSatellite.ACCOUNT_PATH + "/virtual-accounts";
    private static final String REQUEST_CODE = "CB-ZC9300-24UX:FCW2134L0RN-AK9A6sMTr-B2";
    private static final String NETWORK_ADVANTAGE =
            "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    /** The API's body limit, server.max_body_bytes by default. */
    private static final int MAX_BODY = 1024 * 1024;

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static String admin;
    static String labToken;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
        admin = sat.adminToken();
        labToken = sat.createToken("Lab", "{\"description\":\"seen by all\"}");
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }


    /** What the API shows of everything these pages change. */
    private static Map<String, String> snapshot() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("virtualAccounts", sat.get(API_VAS, admin).body());
        for (String va : List.of("Default", "Lab")) {
            for (String what : List.of("tokens", "licenses", "devices")) {
                out.put(va + " " + what, sat.get(API_VAS + "/" + va + "/" + what, admin).body());
            }
        }
        return out;
    }

    /** Each write route of these pages with fields that would change something, were they allowed. */
    private static Map<String, Map<String, String>> writes() {
        Map<String, Map<String, String>> w = new LinkedHashMap<>();
        w.put(LAB + "/general", Map.of("name", "Forged", "description", "forged"));
        w.put(LAB + "/tokens", Map.of("description", "forged", "expiresAfterDays", "30"));
        w.put(LAB + "/tokens/revoke", Map.of("token", labToken));
        w.put(LAB + "/tokens/remove", Map.of("token", labToken));
        w.put(LAB + "/licenses/transfer", Map.of("entitlementTag", NETWORK_ADVANTAGE, "quantity", "1",
                "targetVirtualAccount", "Default"));
        w.put(LAB + "/licenses/reserve", Map.of("requestCode", REQUEST_CODE, "quantity:" + NETWORK_ADVANTAGE, "1"));
        return w;
    }

    @Test
    void aViewerSeesNoControlThatChangesState() {
        ConsoleBrowser viewer = ConsoleBrowser.signedIn(sat, "viewer");
        String general = viewer.get(LAB + "/general").body();
        assertTrue(general.contains(labToken), general);
        assertTrue(general.contains("seen by all"), general);
        String licenses = viewer.get(LAB + "/licenses").body();
        assertTrue(licenses.contains(NETWORK_ADVANTAGE), licenses);
        String events = viewer.get(LAB + "/events").body();
        assertTrue(events.contains("TOKEN_CREATED"), events);
        for (String page : List.of(general, licenses, events)) {
            for (String control : List.of("New Token", "Revoke", "Remove", "Transfer", "Reserve Licenses",
                    "Save Name and Description", "/licenses/reserve")) {
                assertFalse(page.contains(control), control + " shown to a viewer: " + page);
            }
            // The sign-out form is the only form that posts.
            assertEquals(1, page.split("method=\"post\"", -1).length - 1, page);
        }
        var reserve = viewer.get(LAB + "/licenses/reserve");
        assertEquals(403, reserve.statusCode());
        assertTrue(reserve.body().contains("role viewer may not reserve licenses"), reserve.body());
    }

    @Test
    void aViewersForgedPostsAreRefusedAndChangeNothing() {
        ConsoleBrowser viewer = ConsoleBrowser.signedIn(sat, "viewer");
        // The token of the viewer's own session, from its page's sign-out form: the CSRF check passes.
        String csrf = ConsoleBrowser.csrfOf(viewer.get(LAB + "/general").body());
        Map<String, String> before = snapshot();
        writes().forEach((path, fields) -> {
            Map<String, String> form = new LinkedHashMap<>(fields);
            form.put("csrf", csrf);
            HttpResponse<String> r = viewer.post(path, form);
            assertEquals(403, r.statusCode(), path + ": " + r.body());
            assertTrue(r.body().contains("role viewer may not"), path + ": " + r.body());
        });
        assertUploadRefused(viewer, "?csrf=" + csrf, before);
    }

    @Test
    void aPostWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        Map<String, String> before = snapshot();
        writes().forEach((path, fields) -> {
            assertEquals(403, b.post(path, fields).statusCode(), path);
            Map<String, String> wrong = new LinkedHashMap<>(fields);
            wrong.put("csrf", "not-the-token");
            assertEquals(403, b.post(path, wrong).statusCode(), path);
        });
        assertUploadRefused(b, "", before);
    }

    @Test
    void anOversizedUploadIsA413AndReservesNothing() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(b.get(LAB + "/licenses/reserve").body());
        Map<String, String> before = snapshot();
        Map<String, String> fields = Map.of("quantity:" + NETWORK_ADVANTAGE, "1",
                "requestCodeFile", REQUEST_CODE + "\n" + "x".repeat(MAX_BODY + 10));
        for (boolean chunked : List.of(false, true)) {
            HttpResponse<String> r = multipart(b, LAB + "/licenses/reserve?csrf=" + csrf, fields, chunked);
            assertEquals(413, r.statusCode(), "chunked=" + chunked + ": " + r.body());
            assertTrue(r.body().contains("the request body is larger than " + MAX_BODY + " bytes"), r.body());
        }
        assertEquals(before, snapshot());
        // The satellite goes on serving the form, and one under the limit is read.
        HttpResponse<String> small = multipart(b, LAB + "/licenses/reserve?csrf=" + csrf,
                Map.of("requestCodeFile", "garbage", "quantity:" + NETWORK_ADVANTAGE, "1"), false);
        assertEquals(422, small.statusCode(), small.body());
        assertTrue(small.body().contains("reservationCode 'garbage' is not a valid request code"), small.body());
        assertEquals(before, snapshot());
    }

    @Test
    void anUnknownVirtualAccountIsA404Page() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        for (String tab : List.of("general", "licenses", "events", "licenses/reserve")) {
            HttpResponse<String> r = b.get(VAS + "/Nowhere/" + tab);
            assertEquals(404, r.statusCode(), tab);
            assertTrue(r.body().contains("Nowhere"), r.body());
            assertTrue(r.body().contains("Back to the console"), r.body());
        }
        HttpResponse<String> open = b.get(VAS + "/Lab");
        assertEquals(303, open.statusCode());
        assertEquals(LAB + "/general", open.headers().firstValue("Location").orElseThrow());
        String csrf = ConsoleBrowser.csrfOf(b.get(LAB + "/general").body());
        HttpResponse<String> post = b.post(VAS + "/Nowhere/tokens", Map.of("csrf", csrf, "expiresAfterDays", "3"));
        assertEquals(404, post.statusCode(), post.body());
        HttpResponse<String> piid = b.get(LAB + "/licenses/reserve/00000000-0000-0000-0000-000000000000/authorization-code");
        assertEquals(404, piid.statusCode(), piid.body());
    }

    @Test
    void badInputIsRefusedInTheApisWordsAndChangesNothing() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(b.get(LAB + "/general").body());
        Map<String, String> before = snapshot();
        assertRefused(b.post(LAB + "/tokens", Map.of("csrf", csrf, "expiresAfterDays", "0")), 422,
                "expiresAfterDays must be between 1 and 365, not 0");
        assertRefused(b.post(LAB + "/tokens", Map.of("csrf", csrf, "expiresAfterDays", "abc", "description", "kept")),
                400, "expiresAfterDays must be a whole number");
        assertRefused(b.post(LAB + "/tokens", Map.of("csrf", csrf, "maxUses", "0")), 422,
                "maxUses must be null (unlimited) or between 1 and");
        assertRefused(b.post(LAB + "/licenses/transfer", Map.of("csrf", csrf, "entitlementTag", NETWORK_ADVANTAGE,
                "quantity", "1000", "targetVirtualAccount", "Default")), 409,
                "only 4 unused");
        assertRefused(b.post(LAB + "/licenses/transfer", Map.of("csrf", csrf, "entitlementTag", NETWORK_ADVANTAGE,
                "quantity", "two", "targetVirtualAccount", "Default")), 400, "quantity must be a whole number");
        assertRefused(b.post(LAB + "/general", Map.of("csrf", csrf, "name", "Default")), 409,
                "a virtual account named 'Default' already exists");
        assertRefused(b.post(LAB + "/tokens/revoke", Map.of("csrf", csrf, "token", "no-such-token")), 404,
                "no registration token");
        assertRefused(b.post(LAB + "/licenses/reserve", Map.of("csrf", csrf, "requestCode", REQUEST_CODE,
                "quantity:" + NETWORK_ADVANTAGE, "5")), 422, "ERROR");
        assertRefused(b.post(LAB + "/licenses/reserve", Map.of("csrf", csrf, "requestCode", "",
                "quantity:" + NETWORK_ADVANTAGE, "1")), 400, "reservationCode is required");
        assertRefused(b.get(LAB + "/events?type=NOT_A_TYPE"), 400, "type 'NOT_A_TYPE' is not an event type");
        assertRefused(b.get(LAB + "/events?offset=-1"), 400, "offset must be zero or more, not -1");
        assertEquals(before, snapshot());
        // What was typed comes back in the form.
        String kept = b.post(LAB + "/tokens", Map.of("csrf", csrf, "expiresAfterDays", "abc", "description", "kept"))
                .body();
        assertTrue(kept.contains("value=\"abc\"") && kept.contains("value=\"kept\""), kept);
    }

    @Test
    void renameRedirectsToTheNewNameAndTheEventLogPagesKeepTheFilter() {
        ConsoleBrowser b = ConsoleBrowser.signedIn(sat, "admin");
        assertEquals(201, sat.post(API_VAS, admin, "{\"name\":\"Paged\"}").status());
        String csrf = ConsoleBrowser.csrfOf(b.get(VAS + "/Paged/general").body());
        for (int i = 0; i < 55; i++) {
            assertEquals(303, b.post(VAS + "/Paged/tokens", Map.of("csrf", csrf, "description", "t" + i,
                    "expiresAfterDays", "7")).statusCode());
        }
        HttpResponse<String> renamed = b.post(VAS + "/Paged/general", Map.of("csrf", csrf, "name", "Paged Twice",
                "description", "many tokens"));
        assertEquals(303, renamed.statusCode(), renamed.body());
        assertEquals(VAS + "/Paged%20Twice/general", renamed.headers().firstValue("Location").orElseThrow());
        JsonNode va = sat.get(API_VAS + "/Paged%20Twice", admin).json();
        assertEquals("many tokens", va.get("description").asText(), va.toString());

        String first = b.get(VAS + "/Paged%20Twice/events?type=TOKEN_CREATED").body();
        assertTrue(first.contains("1–50 of 55"), first);
        assertTrue(first.contains("href=\"" + VAS + "/Paged%20Twice/events?type=TOKEN_CREATED&amp;offset=50\""), first);
        assertFalse(first.contains("id=\"previous\""), first);
        assertFalse(first.contains("VIRTUAL_ACCOUNT_UPDATED</td>"), first);
        String second = b.get(VAS + "/Paged%20Twice/events?type=TOKEN_CREATED&offset=50").body();
        assertTrue(second.contains("51–55 of 55"), second);
        assertTrue(second.contains("href=\"" + VAS + "/Paged%20Twice/events?type=TOKEN_CREATED&amp;offset=0\""), second);
        assertFalse(second.contains("id=\"next\""), second);
        // Newest first: the first token's event is the last one of all.
        assertTrue(second.contains("('t0')"), second);
        String all = b.get(VAS + "/Paged%20Twice/events").body();
        assertTrue(all.contains("1–50 of 57"), all);
        assertTrue(all.indexOf("VIRTUAL_ACCOUNT_UPDATED</td>") < all.indexOf("TOKEN_CREATED</td>"), all);
    }

    /** Reserve Licenses posted as its upload form, with {@code query} after its path: 403, and nothing changed. */
    private static void assertUploadRefused(ConsoleBrowser b, String query, Map<String, String> before) {
        HttpResponse<String> upload = multipart(b, LAB + "/licenses/reserve" + query,
                Map.of("requestCode", REQUEST_CODE, "quantity:" + NETWORK_ADVANTAGE, "1"), false);
        assertEquals(403, upload.statusCode(), upload.body());
        assertEquals(before, snapshot());
    }

    private static void assertRefused(HttpResponse<String> r, int status, String words) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(words), words + " missing: " + r.body());
    }

    /** A multipart/form-data post with the browser's cookies; each field a part, file parts named *File. */
    private static HttpResponse<String> multipart(ConsoleBrowser b, String path, Map<String, String> fields,
                                                  boolean chunked) {
        String boundary = "----smartsat" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        fields.forEach((name, value) -> {
            String file = name.endsWith("File") ? "; filename=\"request-code.txt\"\r\nContent-Type: text/plain" : "";
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"" + file
                    + "\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8));
        });
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = body.toByteArray();
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
        return b.post(path, "multipart/form-data; boundary=" + boundary, publisher);
    }
}
