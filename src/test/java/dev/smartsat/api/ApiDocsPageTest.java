package dev.smartsat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api-docs} (SPEC §13): a browsable view of the API description that loads nothing from outside the
 * satellite, whose assets are all served, and whose static files give no way to write anything.
 */
class ApiDocsPageTest {
    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern ELSEWHERE = Pattern.compile("(?i)(https?:)?//[a-z0-9]");

    @TempDir
    static Path dir;
    static TestSatellite sat;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }

    @Test
    void thePageIsHtmlWhoseAssetsAreAllLocalAndServed() {
        Response page = sat.get(ApiDocs.PAGE, null);
        assertEquals(200, page.status(), "no token is needed: " + page);
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.body().startsWith("<!DOCTYPE html>"), page.body());
        assertFalse(ELSEWHERE.matcher(page.body()).find(), "the page names another host: " + page.body());

        List<String> assets = new ArrayList<>();
        Matcher m = REFERENCE.matcher(page.body());
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertTrue(assets.stream().anyMatch(a -> a.endsWith("/swagger-ui-bundle.js")), "no Swagger UI script: " + assets);
        assertTrue(assets.stream().anyMatch(a -> a.endsWith("/swagger-ui.css")), "no Swagger UI style sheet: " + assets);
        for (String asset : assets) {
            assertTrue(asset.startsWith("/") && !asset.startsWith("//"), "not a path on this server: " + asset);
            Response r = sat.get(asset, null);
            assertEquals(200, r.status(), asset + " → " + r.status());
            assertFalse(r.body().isEmpty(), asset + " is empty");
        }

        // The script that starts Swagger UI points it at this server's document, with no validator elsewhere.
        Response script = sat.get(ApiDocs.PAGE_SCRIPT, null);
        assertTrue(assets.contains(ApiDocs.PAGE_SCRIPT), assets.toString());
        assertTrue(script.body().contains("\"" + ApiDocs.DOCUMENT + "\""), script.body());
        assertTrue(script.body().contains("validatorUrl: null"), script.body());
        assertFalse(ELSEWHERE.matcher(script.body()).find(), script.body());
    }

    @Test
    void theStaticFilesCannotBeWrittenOrListed() {
        String asset = assetFolder() + "/swagger-ui.css";
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            Response r = sat.send(method, asset, sat.adminToken(), "text/css", HttpRequest.BodyPublishers.ofString("x"));
            assertTrue(r.status() == 404 || r.status() == 405, method + " " + asset + " → " + r);
            assertEquals("ERROR", r.json().path("status").asText(), "a JSON error: " + r);
        }
        assertEquals(200, sat.get(asset, null).status(), "the asset is unchanged and still served");

        for (String folder : List.of("/webjars", "/webjars/", "/webjars/swagger-ui/", assetFolder(), assetFolder() + "/")) {
            Response r = sat.get(folder, null);
            assertNotEquals(200, r.status(), "a folder is listed: " + folder + " → " + r);
            assertTrue(r.status() < 500, folder + " → " + r);
        }
        Response outside = sat.get("/webjars/../backend/api/v1/accounts", null);
        assertTrue(outside.status() == 400 || outside.status() == 401 || outside.status() == 404, outside.toString());
    }

    /** The folder the page loads Swagger UI from. */
    private static String assetFolder() {
        Matcher m = Pattern.compile("\"(/webjars/swagger-ui/[^/\"]+)/swagger-ui.css\"").matcher(sat.get(ApiDocs.PAGE, null).body());
        assertTrue(m.find(), "the page loads no Swagger UI style sheet");
        return m.group(1);
    }
}
