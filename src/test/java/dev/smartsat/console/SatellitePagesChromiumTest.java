package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Main;
import dev.smartsat.TestSatellite;
import dev.smartsat.sync.SyncPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import picocli.CommandLine;

/**
 * The satellite-wide pages in a real browser, as a person uses them, each result checked through the API: a
 * disconnected sync round trip (download the request, {@code cssm process-sync} on the upstream's dirs, upload the
 * response), an API client created (its secret shown once works) and removed, the clock and the faults, and an
 * alert appearing on the Alerts page and in the header's count. In this order: the clock moves forward as it goes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SatellitePagesChromiumTest {
    private static final String API = "/backend/api/v1";
    /** A tag neither seed holds: what the upstream sells before the round trip. */
    private static final String TAG = "regid.2024-01.com.cisco.CONSOLE_TEST,1.0_1f0e0d0c-0b0a-4090-8070-605040302010";

    @TempDir
    static Path dir;
    static SyncPair pair;
    static TestSatellite sat;
    static Chromium browser;

    @BeforeAll
    static void start() {
        pair = SyncPair.start(dir, "disconnected");
        sat = pair.satellite;
        browser = Chromium.start(sat, dir);
        browser.signInAsAdmin();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    @Order(1)
    void aDisconnectedSyncRoundTripThroughTheBrowser() throws Exception {
        var b = browser;
        TestSatellite upstream = pair.upstream;
        TestSatellite.Response bought = upstream.post(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/licenses",
                upstream.adminToken(), "{\"entitlementTag\":\"" + TAG + "\",\"displayName\":\"Console test\","
                        + "\"quantity\":7,\"licenseType\":\"PERPETUAL\",\"endDate\":null}");
        assertEquals(201, bought.status(), bought.toString());
        assertFalse(defaultLicenses().contains(TAG), "not on the satellite before the sync");

        b.open("/console/sync");
        b.waitForText("mode", "disconnected");
        assertEquals("0", b.driver.findElement(By.id("last-sequence-applied")).getText());
        assertTrue(b.driver.findElements(By.xpath("//button[normalize-space()='Synchronize Now']")).isEmpty(),
                "Synchronize Now is for connected mode");
        b.screenshot("sat-1-sync-1280x800");
        b.assertFitsAPhone("sat-1-sync-390x844");
        b.assertNothingFromAnotherOrigin();

        b.button("Download Request File").click();
        Path request = b.awaitDownload("sync-request-");
        assertTrue(request.getFileName().toString().endsWith("-1.json"), request.toString());
        assertEquals(1, syncStatus().get("lastSequenceIssued").asLong());

        // The upstream answers it as README's disconnected section does, while its server runs on the same dirs.
        Path response = dir.resolve("response.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("cssm", "process-sync", "--in", request.toString(), "--out", response.toString(),
                "--data-dir", dir.resolve("upstream/data").toString(), "--certs-dir", dir.resolve("upstream/certs").toString());
        assertEquals(0, exit, out + " " + err);
        assertTrue(Files.size(response) > 0);

        b.upload("Response File", response);
        b.button("Upload Response File").click();
        b.waitForText("notice", "Sync response 1 applied");
        assertEquals("1", b.driver.findElement(By.id("last-sequence-applied")).getText());
        b.screenshot("sat-2-sync-applied");

        JsonNode status = syncStatus();
        assertEquals(1, status.get("lastSequenceApplied").asLong(), status.toString());
        assertFalse(status.get("lastSuccess").isNull(), status.toString());
        JsonNode pool = pool(TAG);
        assertEquals(7, pool.get("quantity").asLong(), pool.toString());

        // The same file again is stale-free but harmless: nothing changes, and the page says so.
        b.upload("Response File", response);
        b.button("Upload Response File").click();
        b.waitForText("notice", "already applied");
        assertEquals(1, syncStatus().get("lastSequenceApplied").asLong());
    }

    @Test
    @Order(2)
    void anApiClientCreatedInTheBrowserWorksAndIsRemovedThere() {
        var b = browser;
        show("/console/clients", "name");
        b.typeInto("Name", "Script from Chromium");
        new Select(b.field("Role")).selectByVisibleText("operator");
        b.button("New API Client").click();
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created-client-secret")));
        String id = b.field("Client ID").getAttribute("value");
        String secret = b.field("Client Secret").getAttribute("value");
        b.screenshot("sat-3-client-created");

        // The secret works: a bearer token from /backend/oauth/token, and the API answers it.
        String token = sat.token(id, secret);
        assertEquals(200, sat.get(API + "/sync", token).status());
        JsonNode listed = sat.get(API + "/clients?limit=1000", sat.adminToken()).json();
        assertTrue(listed.toString().contains(id), listed.toString());

        show("/console/clients", "clients");
        assertFalse(b.driver.getPageSource().contains(secret), "the secret is shown once");
        b.assertFitsAPhone("sat-4-clients-390x844");
        b.assertNothingFromAnotherOrigin();
        b.buttonInRow(id, "Remove").click();
        b.wait.until(d -> !d.findElement(By.id("clients")).getText().contains(id));
        assertFalse(sat.get(API + "/clients?limit=1000", sat.adminToken()).body().contains(id));
        assertEquals(401, sat.get(API + "/sync", token).status(), "its token went with it");
    }

    @Test
    @Order(3)
    void theClockAndTheFaultsAreSetInTheBrowser() {
        var b = browser;
        Duration before = offset();
        show("/console/simulation", "advance");
        b.typeInto("Advance by", "P10D");
        b.button("Advance Clock").click();
        String expected = before.plusDays(10).toString();
        b.waitForText("clock-offset", expected);
        assertEquals(expected, offset().toString());

        b.typeInto("Transport fail rate", "0.5");
        b.typeInto("Transport status", "429");
        b.typeInto("Transport delay (ms)", "10");
        b.typeInto("Upstream fail rate", "1");
        b.button("Set Faults").click();
        b.waitForText("transport-rule-fail-rate", "0.5");
        JsonNode faults = sat.get(API + "/sim/faults", sat.adminToken()).json();
        assertEquals(0.5, faults.get("transport").get("failRate").asDouble(), faults.toString());
        assertEquals(429, faults.get("transport").get("status").asInt(), faults.toString());
        assertEquals(10, faults.get("transport").get("delayMs").asLong(), faults.toString());
        assertEquals(1.0, faults.get("upstream").get("failRate").asDouble(), faults.toString());
        b.screenshot("sat-5-simulation-faults");

        // A rate out of range: the API's words beside the form, and the rules in force unchanged.
        b.typeInto("Transport fail rate", "1.5");
        b.button("Set Faults").click();
        b.waitForText("faults-error", "transport.failRate must be from 0.0 to 1.0");
        assertEquals(0.5, sat.get(API + "/sim/faults", sat.adminToken()).json().get("transport").get("failRate").asDouble());

        b.button("Clear Faults").click();
        b.waitForText("transport-rule-fail-rate", "0.0");
        faults = sat.get(API + "/sim/faults", sat.adminToken()).json();
        assertEquals(0.0, faults.get("transport").get("failRate").asDouble(), faults.toString());
        assertEquals(0.0, faults.get("upstream").get("failRate").asDouble(), faults.toString());
        b.assertFitsAPhone("sat-6-simulation-390x844");
        b.assertNothingFromAnotherOrigin();
    }

    @Test
    @Order(4)
    void anOverdueSyncShowsOnTheAlertsPageAndInTheHeader() {
        var b = browser;
        show("/console/simulation", "advance");
        String overdue = TestSatellite.ACCOUNT_PATH + "/alerts?type=SYNC_OVERDUE&active=true";
        assertEquals(0, sat.get(overdue, sat.adminToken()).json().get("totalRecords").asLong(), "not overdue yet");
        // Past 30 days since the round trip's successful sync.
        b.typeInto("Advance by", "P31D");
        b.button("Advance Clock").click();
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("clock-offset")));

        b.driver.findElement(By.id("alerts-link")).click();
        b.waitForUrl("/alerts");
        // Raised within 5 s of the clock move: the page is read again until it shows.
        b.wait.until(d -> {
            d.navigate().refresh();
            return d.findElement(By.id("alerts")).getText().contains("SYNC_OVERDUE");
        });
        long active = sat.get(TestSatellite.ACCOUNT_PATH + "/alerts?active=true", sat.adminToken()).json()
                .get("totalRecords").asLong();
        assertTrue(active >= 1);
        assertEquals(String.valueOf(active), b.driver.findElement(By.id("alert-count")).getText());
        b.screenshot("sat-7-alerts-1280x800");
        b.script("document.getElementById('alerts').scrollIntoView()");
        b.screenshot("sat-7-alerts-table-1280x800");

        new Select(b.field("Type")).selectByVisibleText("SYNC_OVERDUE");
        new Select(b.field("Active")).selectByVisibleText("Active");
        b.button("Filter").click();
        b.waitForUrl("type=SYNC_OVERDUE");
        b.waitForText("alerts-total", "1 alert(s)");
        String row = b.driver.findElement(By.cssSelector("#alerts tbody tr")).getText();
        assertTrue(row.contains("WARNING") && row.contains("All (satellite-wide)") && row.contains("active"), row);
        JsonNode api = sat.get(overdue, sat.adminToken()).json();
        assertEquals(1, api.get("totalRecords").asLong(), api.toString());
        assertTrue(row.contains(api.get("alerts").get(0).get("message").asText()), row + " vs " + api);
        b.assertFitsAPhone("sat-8-alerts-390x844");
        b.assertNothingFromAnotherOrigin();
    }

    /** Opens a page and waits for the element {@code id} on it. */
    private static void show(String path, String id) {
        browser.open(path);
        browser.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private static JsonNode syncStatus() {
        return sat.get(API + "/sync", sat.adminToken()).json();
    }

    private static Duration offset() {
        return Duration.parse(sat.get(API + "/sim/clock", sat.adminToken()).json().get("offset").asText());
    }

    private static String defaultLicenses() {
        return sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/licenses", sat.adminToken()).body();
    }

    private static JsonNode pool(String tag) {
        for (JsonNode l : sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/licenses", sat.adminToken())
                .json().get("licenses")) {
            if (l.get("entitlementTag").asText().equals(tag)) {
                return l;
            }
        }
        throw new AssertionError(tag + " not in " + defaultLicenses());
    }
}
