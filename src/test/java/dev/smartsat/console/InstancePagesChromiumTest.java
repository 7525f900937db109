package dev.smartsat.console;

import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.agent.CommandRun;
import dev.smartsat.transport.TestDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The Product Instances tab in a real browser (SPEC §12): search, filter and page the list, open an instance, move
 * and remove one, and carry a reservation through update, download, confirmation and return with the real agent
 * making the device's codes — each result checked through the management API.
 */
class InstancePagesChromiumTest {
    static final String API = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/";
    static final String LAB = "/console/accounts/Example%20Corp/virtual-accounts/Lab/instances";
    static final String DEFAULT = "/console/accounts/Example%20Corp/virtual-accounts/Default/instances";

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static Chromium browser;
    /** The instances registered in Lab, by serial number. */
    static final Map<String, String> piids = new HashMap<>();

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
        String token = sat.createToken("Lab", "{}");
        // LST0–LST3 are switches, the first two using a license; LST4 and LST5 are Expressways using none.
        for (String serial : List.of("LST0", "LST1", "LST2", "LST3", "LST4", "LST5", "MOV0", "DEL0")) {
            TestDevice d = new TestDevice(sat, List.of("LST4", "LST5").contains(serial) ? "EXPWY-VE-C-K9" : "C9300-24UX",
                    serial);
            assertEquals("OK", d.register(token).status());
            if (List.of("LST0", "LST1", "MOV0", "DEL0").contains(serial)) {
                assertEquals("OK", d.authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status());
            }
            piids.put(serial, d.piid);
        }
        browser = Chromium.start(sat, dir);
        browser.signInAsAdmin();
    }

    @AfterAll
    static void stop() {
        try (TestSatellite s = sat; Chromium b = browser) {
            // Closed in reverse order, the browser first; one that never started is null and skipped.
        }
    }

    /** The serial numbers the list shows, top to bottom, once it shows exactly {@code expected}. */
    static void awaitRows(String... expected) {
        List<String> want = List.of(expected);
        browser.wait.ignoring(StaleElementReferenceException.class).until(d -> {
            List<String> serials = new ArrayList<>();
            for (WebElement row : d.findElements(By.cssSelector("#instances tbody tr"))) {
                Matcher m = Pattern.compile(" / (\\w+)").matcher(row.getText());
                if (m.find()) {
                    serials.add(m.group(1));
                }
            }
            return serials.equals(want);
        });
    }

    static void search(String q, String status) {
        browser.typeInto("Search", q);
        new Select(browser.field("Status")).selectByVisibleText(status);
        browser.button("Search").click();
    }

    @Test
    void searchFilterAndPageTheList() {
        var b = browser;
        b.open(LAB);
        b.waitForText("instances", "LST0");
        b.screenshot("instances-list-1280x800");

        search("lst", "No Licenses In Use");
        awaitRows("LST5", "LST4", "LST3", "LST2");
        b.waitForUrl("status=NO_LICENSES_IN_USE");
        search("lst", "Authorized");
        awaitRows("LST1", "LST0");
        // q matches the product id, ignoring case, and the host name.
        search("expwy", "All");
        awaitRows("LST5", "LST4");
        search("lst3.example", "All");
        awaitRows("LST3");
        JsonNode api = sat.get(API + "Lab/devices?q=lst3.example", sat.adminToken()).json();
        assertEquals(piids.get("LST3"), api.get("devices").get(0).get("productInstanceIdentifier").asText());

        // Paging keeps the search and the limit the URL named.
        b.open(LAB + "?q=lst&limit=4");
        b.waitForText("range", "1–4 of 6");
        awaitRows("LST5", "LST4", "LST3", "LST2");
        b.driver.findElement(By.id("next")).click();
        b.waitForText("range", "5–6 of 6");
        awaitRows("LST1", "LST0");
        b.waitForUrl("q=lst&limit=4&offset=4");
        assertTrue(b.driver.findElements(By.id("next")).isEmpty(), "no Next on the last page");
        b.driver.findElement(By.id("previous")).click();
        b.waitForText("range", "1–4 of 6");

        b.open(LAB);
        b.waitForText("instances", "LST0");
        b.assertFitsAPhone("instances-list-390x844");
        b.assertNothingFromAnotherOrigin();
    }

    @Test
    void openAnInstanceTransferOneAndRemoveAnother() {
        var b = browser;
        String moving = piids.get("MOV0");
        b.open(LAB + "?q=mov0");
        b.driver.findElement(By.linkText(moving)).click();
        b.waitForText("details", "mov0.example.com");
        b.waitForText("authorization-status", "Authorized");
        b.waitForText("usage", "Network Advantage");
        b.screenshot("instance-details-1280x800");
        b.assertFitsAPhone("instance-details-390x844");
        b.assertNothingFromAnotherOrigin();

        new Select(b.field("Target Virtual Account")).selectByVisibleText("Default");
        b.button("Transfer").click();
        b.waitForUrl("/Default/instances/" + moving);
        b.waitForText("details", "Default");
        assertEquals("Default", device("Default", moving).get("virtualAccount").asText());
        assertEquals(404, sat.get(API + "Lab/devices/" + moving, sat.adminToken()).status());

        String removing = piids.get("DEL0");
        long inUse = pool("Lab").get("inUse").asLong();
        b.open(LAB + "/" + removing);
        b.waitForText("details", "del0.example.com");
        b.button("Remove").click();
        b.wait.until(ExpectedConditions.urlToBe(sat.uri(LAB).toString()));
        assertEquals(404, sat.get(API + "Lab/devices/" + removing, sat.adminToken()).status());
        assertEquals(inUse - 1, pool("Lab").get("inUse").asLong(), "its license is released");
    }

    @Test
    void updateConfirmAndReturnAReservation() throws IOException {
        var b = browser;
        Path state = dir.resolve("reserving-switch.json");
        String requestCode = lastLine(agent(state, "reserve", "request", "--pid", "C9300-24UX", "--serial", "SLRWEB1"));
        long reservedBefore = pool("Default").get("reserved").asLong();
        TestSatellite.Response reserved = sat.post(API + "Default/reserve-licenses", sat.adminToken(),
                "{\"reservationRequests\":[{\"reservationCode\":\"" + requestCode + "\",\"reservationType\":\"SPECIFIC\","
                        + "\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":1}]}]}");
        assertEquals(200, reserved.status(), reserved.toString());
        JsonNode entry = reserved.json().get("authorizationCodes").get(0);
        String piid = entry.get("productInstanceIdentifier").asText();
        agent(state, "reserve", "install", "--code-file", write("first.txt", entry.get("authorizationCode").asText()));

        b.open(DEFAULT + "/" + piid);
        b.waitForText("reservation-status", "Reserved");
        // Remove is the wrong way for a reservation: the domain's words say to use the return code.
        b.button("Remove").click();
        b.waitForText("remove-error", "holds a Specific License Reservation");
        b.waitForText("remove-error", "return code");
        assertEquals(200, sat.get(API + "Default/devices/" + piid, sat.adminToken()).status());

        b.typeInto("Quantity of Network Advantage", "2");
        b.button("Update Reservation").click();
        b.waitForText("reservation-status", "Pending Confirmation");
        b.screenshot("instance-reserved-1280x800");
        JsonNode pending = device("Default", piid).get("reservation");
        assertEquals("PENDING_CONFIRMATION", pending.get("status").asText());

        b.driver.findElement(By.linkText("Download Authorization Code")).click();
        Path download = b.awaitDownload("authorization-code");
        assertEquals("authorization-code-" + piid + ".txt", download.getFileName().toString());
        assertEquals(pending.get("pendingAuthorizationCode").asText(),
                Files.readString(download, StandardCharsets.UTF_8).strip());

        // A wrong confirmation code: the API's words beside the field, and nothing changes.
        b.typeInto("Confirmation Code", "00000000");
        b.button("Confirm").click();
        b.waitForText("confirm-error", "confirmationCode '00000000' is not the one the device shows");
        assertEquals(pending, device("Default", piid).get("reservation"));

        String installed = agent(state, "reserve", "install", "--code-file", download.toString());
        Matcher confirmation = Pattern.compile("Confirmation code \\(enter it on the satellite\\): (\\w+)")
                .matcher(installed);
        assertTrue(confirmation.find(), installed);
        b.typeInto("Confirmation Code", confirmation.group(1));
        b.button("Confirm").click();
        b.waitForText("reservation-status", "Reserved");
        JsonNode confirmed = device("Default", piid);
        assertEquals("RESERVED", confirmed.get("reservation").get("status").asText());
        assertEquals(2, confirmed.get("licenseUsage").get(0).get("quantity").asLong(), confirmed.toString());
        assertEquals(reservedBefore + 2, pool("Default").get("reserved").asLong());
        b.assertFitsAPhone("instance-reserved-390x844");

        // A wrong return code: the API's words, and the reservation stays.
        b.typeInto("Return Code", "AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAAAAA-AAA");
        b.button("Remove Reservation").click();
        b.waitForText("return-error", "returnCode does not match the reservation");
        assertEquals(confirmed, device("Default", piid));

        String returnCode = lastLine(agent(state, "reserve", "return"));
        b.typeInto("Return Code", returnCode);
        b.button("Remove Reservation").click();
        b.wait.until(ExpectedConditions.urlToBe(sat.uri(DEFAULT).toString()));
        assertEquals(404, sat.get(API + "Default/devices/" + piid, sat.adminToken()).status());
        assertEquals(reservedBefore, pool("Default").get("reserved").asLong(), "its licenses are released");
    }

    static JsonNode device(String va, String piid) {
        TestSatellite.Response r = sat.get(API + va + "/devices/" + piid, sat.adminToken());
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** The virtual account's Network Advantage pool, as the API lists it. */
    static JsonNode pool(String va) {
        for (JsonNode l : sat.get(API + va + "/licenses", sat.adminToken()).json().get("licenses")) {
            if (l.get("entitlementTag").asText().equals(NETWORK_ADVANTAGE)) {
                return l;
            }
        }
        throw new AssertionError("no Network Advantage pool in " + va);
    }

    /** {@code smartsat agent} in this JVM, for the device in {@code state}; what it printed. */
    static String agent(Path state, String... args) {
        List<String> all = new ArrayList<>(List.of("agent", "--state", state.toString(), "--ca",
                sat.dir().resolve("certs/ca.pem").toString()));
        all.addAll(List.of(args));
        CommandRun run = CommandRun.of(all.toArray(String[]::new));
        assertEquals(0, run.exit(), run.err());
        return run.out();
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        return lines[lines.length - 1].strip();
    }

    static String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content + "\n").toString();
    }
}
