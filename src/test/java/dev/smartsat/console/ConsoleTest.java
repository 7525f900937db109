package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console over HTTP, against a real satellite (SPEC §12): sign-in and its cookie, the session's life on
 * the wall clock, sign-out, CSRF and the viewer's refusals, and the New Virtual Account form checked through the
 * API.
 */
class ConsoleTest {
    private static final String VAS = "/console/accounts/Example%20Corp/virtual-accounts";
    private static final String API_VAS = TestSatellite.ACCOUNT_PATH + "/virtual-accounts";

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static Map<String, String> admin;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
        admin = sat.adminCredentials();
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }

    private static ConsoleBrowser signedInAdmin() {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        assertEquals(303, b.signIn(admin.get("client_id"), admin.get("client_secret")).statusCode());
        return b;
    }

    @Test
    void theRootLeadsToTheSignInPageWithItsLabelledFields() {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        HttpResponse<String> root = b.get("/");
        assertEquals(303, root.statusCode());
        assertEquals("/console/sign-in", root.headers().firstValue("Location").orElseThrow());
        String page = b.get("/console/sign-in").body();
        assertTrue(page.contains("<label for=\"client_id\">Client ID</label>"), page);
        assertTrue(page.contains("<label for=\"client_secret\">Client Secret</label>"), page);
        assertTrue(page.contains("<button type=\"submit\">Sign In</button>"), page);
        // A page of the console without a session leads there too.
        assertEquals("/console/sign-in", b.get(VAS).headers().firstValue("Location").orElseThrow());
    }

    @Test
    void signingInSetsAStrictSecureHttpOnlyCookieWhoseHashAloneIsStored() throws Exception {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        HttpResponse<String> r = b.signIn(admin.get("client_id"), admin.get("client_secret"));
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("/console", r.headers().firstValue("Location").orElseThrow());
        String cookie = ConsoleBrowser.setCookies(r).stream().filter(c -> c.startsWith("smartsat_session=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie: " + r.headers()));
        for (String attribute : List.of("HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=3600")) {
            assertTrue(List.of(cookie.split(";\\s*")).contains(attribute), attribute + " missing: " + cookie);
        }
        String id = b.cookies.get("smartsat_session");
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        assertTrue(sat.server().store().read(tx -> tx.sessions().byHash(hash)).isPresent(), "the hash is stored");
        assertTrue(sat.server().store().read(tx -> tx.sessions().byHash(id)).isEmpty(), "the id itself is not");

        assertEquals("/console", b.get("/").headers().firstValue("Location").orElseThrow());
        String home = b.get("/console").body();
        assertTrue(home.contains(admin.get("client_id") + " (admin)"), home);
        assertTrue(home.contains("Sign Out"), home);
        assertTrue(home.contains(VAS), home);
    }

    @Test
    void aWrongPairShowsTheErrorAndSetsNoCookie() {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        HttpResponse<String> r = b.signIn(admin.get("client_id"), "not-the-secret");
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("unknown client_id or wrong client_secret"), r.body());
        assertEquals(List.of(), ConsoleBrowser.setCookies(r));
        assertEquals(303, b.get("/console").statusCode(), "still not signed in");
    }

    @Test
    void aSignInWithoutItsCsrfTokenIsRefusedAndSetsNoCookie() {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        b.get(Console.SIGN_IN);
        HttpResponse<String> r = b.post(Console.SIGN_IN,
                Map.of("client_id", admin.get("client_id"), "client_secret", admin.get("client_secret")));
        assertEquals(403, r.statusCode());
        assertEquals(List.of(), ConsoleBrowser.setCookies(r));
    }

    @Test
    void aSessionEndsAfterTheTokenLifetimeOnTheWallClock(@TempDir Path own) {
        try (TestSatellite expiring = TestSatellite.start(own)) {
            Map<String, String> c = expiring.adminCredentials();
            ConsoleBrowser b = new ConsoleBrowser(expiring);
            assertEquals(303, b.signIn(c.get("client_id"), c.get("client_secret")).statusCode());
            // The simulated clock moving a year does not end it: only the wall clock does.
            assertEquals(200, expiring.json("PUT", "/backend/api/v1/sim/clock", expiring.adminToken(),
                    "{\"advance\":\"P365D\"}").status());
            expiring.wall.advance(Duration.ofSeconds(3590));
            assertEquals(200, b.get("/console").statusCode());
            expiring.wall.advance(Duration.ofSeconds(11));
            HttpResponse<String> r = b.get("/console");
            assertEquals(303, r.statusCode());
            assertEquals("/console/sign-in", r.headers().firstValue("Location").orElseThrow());
        }
    }

    @Test
    void signOutEndsTheSessionOnTheServer() {
        ConsoleBrowser b = signedInAdmin();
        String id = b.cookies.get("smartsat_session");
        String csrf = ConsoleBrowser.csrfOf(b.get("/console").body());
        // Without its CSRF token, a sign-out is refused and the session lives on.
        assertEquals(403, b.post(Console.SIGN_OUT, Map.of()).statusCode());
        assertEquals(200, b.get("/console").statusCode());

        HttpResponse<String> out = b.post(Console.SIGN_OUT, Map.of("csrf", csrf));
        assertEquals(303, out.statusCode());
        assertEquals("/console/sign-in", out.headers().firstValue("Location").orElseThrow());
        // A copy of the old cookie names nothing any more.
        ConsoleBrowser replay = new ConsoleBrowser(sat);
        replay.cookies.put("smartsat_session", id);
        assertEquals(303, replay.get("/console").statusCode());
        assertEquals(403, replay.post(VAS, Map.of("csrf", csrf, "name", "AfterSignOut")).statusCode());
        assertFalse(apiNames().contains("AfterSignOut"));
    }

    @Test
    void aPostWithoutAValidCsrfTokenIsRefusedAndChangesNothing() {
        ConsoleBrowser b = signedInAdmin();
        assertEquals(403, b.post(VAS, Map.of("name", "NoCsrf")).statusCode());
        assertEquals(403, b.post(VAS, Map.of("name", "WrongCsrf", "csrf", "forged")).statusCode());
        assertEquals(403, b.post(VAS, Map.of("name", "WrongHeader"), "X-CSRF-Token", "forged").statusCode());
        // Refused before the account is looked up: an unknown one is a 403 too, not a 404.
        assertEquals(403, b.post("/console/accounts/Nobody/virtual-accounts", Map.of("name", "X")).statusCode());
        assertFalse(apiNames().contains("NoCsrf") || apiNames().contains("WrongCsrf") || apiNames().contains("WrongHeader"));
    }

    @Test
    void aViewerSeesNoWriteControlAndItsForgedPostIsRefused() {
        TestSatellite.Client viewer = sat.newClient("viewer");
        ConsoleBrowser b = new ConsoleBrowser(sat);
        assertEquals(303, b.signIn(viewer.id(), viewer.secret()).statusCode());
        String page = b.get(VAS).body();
        assertTrue(page.contains("/virtual-accounts/Default/general\">Default</a>"), page);
        assertFalse(page.contains("New Virtual Account"), page);
        assertFalse(page.contains("name=\"name\""), page);
        // The sign-out form carries the session's token; a viewer posting it to the form's route is still refused.
        String csrf = ConsoleBrowser.csrfOf(page);
        HttpResponse<String> r = b.post(VAS, Map.of("csrf", csrf, "name", "ByAViewer"));
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("role viewer may not create virtual accounts"), r.body());
        assertFalse(apiNames().contains("ByAViewer"));
    }

    @Test
    void aVirtualAccountMadeThroughTheFormIsTheApisAndItsErrorsAreTheApis() {
        ConsoleBrowser b = signedInAdmin();
        String csrf = ConsoleBrowser.csrfOf(b.get(VAS).body());
        HttpResponse<String> r = b.post(VAS, Map.of("csrf", csrf, "name", "Made In Console", "description", "from the form"));
        assertEquals(303, r.statusCode(), r.body());
        assertEquals(VAS, r.headers().firstValue("Location").orElseThrow());
        JsonNode va = sat.get(API_VAS + "/Made%20In%20Console", sat.adminToken()).json();
        assertEquals("from the form", va.get("description").asText());
        assertFalse(va.get("default").asBoolean());
        assertTrue(b.get(VAS).body().contains("/virtual-accounts/Made%20In%20Console/general\">Made In Console</a>"));

        // The same name again: the API's 409 and its words, beside the form, which keeps what was typed.
        String apiMessage = sat.post(API_VAS, sat.adminToken(), "{\"name\":\"Made In Console\"}").json().get("message").asText();
        HttpResponse<String> again = b.post(VAS, Map.of("csrf", csrf, "name", "Made In Console", "description", "twice"));
        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains(apiMessage), apiMessage + " not in " + again.body());
        assertTrue(again.body().contains(">twice</textarea>"), again.body());

        // An empty name: the domain's 4xx, never a 500.
        HttpResponse<String> empty = b.post(VAS, Map.of("csrf", csrf, "name", ""));
        assertTrue(empty.statusCode() >= 400 && empty.statusCode() < 500, empty.statusCode() + " " + empty.body());
        assertTrue(empty.body().contains("id=\"form-error\""), empty.body());
    }

    @Test
    void anUnknownAccountIsA404Page() {
        HttpResponse<String> r = signedInAdmin().get("/console/accounts/Nobody/virtual-accounts");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("no smart account named 'Nobody'"), r.body());
    }

    @Test
    void theConsoleServesItsTwoAssetsAndNothingElseOfTheirWebjars() {
        ConsoleBrowser b = new ConsoleBrowser(sat);
        HttpResponse<String> css = b.get(ConsoleAssets.PICO);
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"), css.headers().toString());
        assertEquals(200, b.get(ConsoleAssets.HTMX).statusCode());
        assertEquals(404, b.get("/console/assets/htmx.org/2.0.10/dist/htmx.js").statusCode());
        assertEquals(404, b.get("/console/assets/htmx.org/2.0.10/").statusCode());
        assertEquals(404, b.get("/console/assets/picocss__pico/2.1.1/package.json").statusCode());
        // The pages allow nothing from elsewhere.
        String csp = b.get(Console.SIGN_IN).headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.startsWith("default-src 'self'"), csp);
    }

    private static List<String> apiNames() {
        JsonNode list = sat.get(API_VAS + "?limit=1000", sat.adminToken()).json().get("virtualAccounts");
        return StreamSupport.stream(list.spliterator(), false).map(n -> n.get("name").asText()).toList();
    }
}
