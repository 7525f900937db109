package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console in a real browser (STYLE.md): the machine's headless Chromium signs in, makes a virtual account by
 * typing and clicking, signs out, and loads nothing from another origin.
 */
class ConsoleChromiumTest {
    @TempDir
    static Path dir;
    static TestSatellite sat;
    static Chromium browser;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
        browser = Chromium.start(sat, dir);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (sat != null) {
            sat.close();
        }
    }

    @Test
    void signInCreateAVirtualAccountAndSignOut() {
        Map<String, String> admin = sat.adminCredentials();
        var b = browser;
        b.open("/");
        b.waitForUrl("/console/sign-in");
        b.screenshot("1-sign-in");

        // A wrong pair: the error, and no session cookie.
        b.typeInto("Client ID", admin.get("client_id"));
        b.typeInto("Client Secret", "not-the-secret");
        b.button("Sign In").click();
        b.waitForText("error", "wrong client_secret");
        assertEquals(null, b.driver.manage().getCookieNamed(Console.SESSION_COOKIE));

        b.signInAsAdmin();
        b.driver.findElement(By.linkText(TestSatellite.ACCOUNT)).click();
        b.waitForUrl("/virtual-accounts");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));

        b.typeInto("Name", "Made In Chromium");
        b.typeInto("Description", "typed and clicked");
        b.button("New Virtual Account").click();
        b.waitForText("virtual-accounts", "Made In Chromium");
        b.screenshot("2-virtual-accounts-1280x800");
        JsonNode va = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Made%20In%20Chromium", sat.adminToken()).json();
        assertEquals("typed and clicked", va.get("description").asText(), va.toString());

        // The same name again: the API's words beside the form.
        b.typeInto("Name", "Made In Chromium");
        b.button("New Virtual Account").click();
        b.waitForText("form-error", "a virtual account named 'Made In Chromium' already exists");

        b.assertFitsAPhone("3-virtual-accounts-390x844");
        b.assertNothingFromAnotherOrigin();
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) b.script("return performance.getEntriesByType('resource').map(e => e.name)");
        assertTrue(loaded.stream().anyMatch(u -> u.endsWith("pico.min.css")), loaded.toString());
        assertTrue(loaded.stream().anyMatch(u -> u.endsWith("htmx.min.js")), loaded.toString());

        b.signOut();
        b.screenshot("4-signed-out");
        b.open("/console");
        b.waitForUrl("/console/sign-in");
        assertFalse(b.driver.getPageSource().contains("Sign Out"));
    }
}
