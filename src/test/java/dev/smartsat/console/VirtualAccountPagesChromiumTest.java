package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Main;
import dev.smartsat.TestSatellite;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import picocli.CommandLine;

/**
 * A virtual account's General, Licenses and Event Log tabs in a real browser, as a person uses them: rename and
 * describe, tokens made, revoked and removed, licenses transferred, licenses reserved from a pasted and from an
 * uploaded request code, the authorization code downloaded and installed on a device with {@code smartsat agent
 * reserve install}, and the event log filtered. Every result is checked through the management API.
 */
class VirtualAccountPagesChromiumTest {
    private static final String API_VAS = TestSatellite.ACCOUNT_PATH + "/virtual-accounts";
    private static final String NETWORK_ADVANTAGE =
            "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    private static final String DNA_ADVANTAGE =
            "regid.2017-07.com.cisco.dna_advantage,1.0_a1b2c3d4-0000-4000-8000-000000000001";

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static Chromium browser;
    static String admin;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
        admin = sat.adminToken();
        browser = Chromium.start(sat, dir);
        browser.signInAsAdmin();
    }

    @AfterAll
    static void stop() {
        // Closes the browser, then the satellite; a null one (a start that failed) is skipped.
        try (TestSatellite s = sat; Chromium b = browser) {
            browser = null;
        }
    }

    /** From the console's home, as a person gets there: the account, then the virtual account's link. */
    private static void openVirtualAccount(String name) {
        var b = browser;
        b.open("/console");
        b.driver.findElement(By.linkText(TestSatellite.ACCOUNT)).click();
        b.waitForUrl("/virtual-accounts");
        b.wait.until(ExpectedConditions.elementToBeClickable(By.linkText(name))).click();
        b.waitForUrl("/general");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tokens")));
    }

    private static void openTab(String tab) {
        browser.driver.findElement(By.xpath("//nav[@class='tabs']//a[normalize-space()='" + tab + "']")).click();
    }

    /** A screenshot with the element {@code id} scrolled to the top of the window. */
    private static void screenshot(String name, String id) {
        browser.script("document.getElementById('" + id + "').scrollIntoView()");
        browser.screenshot(name);
    }

    private static JsonNode api(String path) {
        TestSatellite.Response r = sat.get(API_VAS + path, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    @Test
    void renameDescribeAndMakeRevokeAndRemoveTokens() {
        assertEquals(201, sat.post(API_VAS, admin, "{\"name\":\"Branch Office\"}").status());
        var b = browser;
        openVirtualAccount("Branch Office");
        b.screenshot("va-1-general");

        b.driver.findElement(By.xpath("//summary[normalize-space()='Rename or Describe']")).click();
        b.typeInto("Name", "Branch Renamed");
        b.typeInto("Virtual Account Description", "renamed in Chromium");
        b.button("Save Name and Description").click();
        b.waitForUrl("/Branch%20Renamed/general");
        b.waitForText("va-description", "renamed in Chromium");
        JsonNode va = api("/Branch%20Renamed");
        assertEquals("Branch Renamed", va.get("name").asText());
        assertEquals("renamed in Chromium", va.get("description").asText());
        assertEquals(404, sat.get(API_VAS + "/Branch%20Office", admin).status());

        // Bad input: the API's words beside the form, what was typed kept, nothing made.
        b.typeInto("Description", "door panel");
        b.typeInto("Expire After Days", "0");
        b.button("New Token").click();
        b.waitForText("token-error", "expiresAfterDays must be between 1 and 365, not 0");
        b.typeInto("Expire After Days", "abc");
        b.button("New Token").click();
        b.waitForText("token-error", "expiresAfterDays must be a whole number");
        assertEquals("abc", b.field("Expire After Days").getAttribute("value"));
        assertEquals("door panel", b.field("Description").getAttribute("value"));
        assertEquals(0, api("/Branch%20Renamed/tokens").get("tokens").size());
        screenshot("va-2-general-token-error", "new-token");

        b.typeInto("Expire After Days", "10");
        b.typeInto("Max Uses", "3");
        WebElement exportControlled = b.field("Allow export-controlled functionality");
        assertTrue(exportControlled.isSelected(), "allowed by default, as the API's default");
        exportControlled.click();
        b.button("New Token").click();
        b.waitForText("tokens", "door panel");
        JsonNode token = api("/Branch%20Renamed/tokens").get("tokens").get(0);
        assertEquals("door panel", token.get("description").asText(), token.toString());
        assertEquals(0, token.get("uses").asInt());
        assertEquals(3, token.get("maxUses").asInt());
        assertEquals("Not Allowed", token.get("exportControlled").asText());
        assertEquals("ACTIVE", token.get("status").asText());
        // The token is on the page to copy, whole.
        assertEquals(token.get("token").asText(), b.driver.findElement(By.xpath(
                "//tr[contains(normalize-space(), 'door panel')]//code[@class='token']")).getText());

        for (String description : List.of("to revoke", "to remove")) {
            b.typeInto("Description", description);
            b.typeInto("Expire After Days", "30");
            b.typeInto("Max Uses", "");
            b.button("New Token").click();
            b.waitForText("tokens", description);
        }
        b.buttonInRow("to revoke", "Revoke").click();
        b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.xpath(
                "//tr[contains(normalize-space(), 'to revoke')]"), "REVOKED"));
        b.buttonInRow("to remove", "Remove").click();
        b.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.xpath(
                "//tr[contains(normalize-space(), 'to remove')]")));
        screenshot("va-3-general-tokens", "tokens");
        Map<String, JsonNode> tokens = new HashMap<>();
        api("/Branch%20Renamed/tokens").get("tokens").forEach(t -> tokens.put(t.get("description").asText(), t));
        assertEquals(List.of("door panel", "to revoke"), tokens.keySet().stream().sorted().toList());
        assertEquals("REVOKED", tokens.get("to revoke").get("status").asText());
        assertTrue(tokens.get("to revoke").get("maxUses").isNull());
        assertEquals("ACTIVE", tokens.get("door panel").get("status").asText());

        b.assertFitsAPhone("va-4-general-390x844");
        b.assertNothingFromAnotherOrigin();
    }

    @Test
    void transferLicensesToAnotherVirtualAccount() {
        var b = browser;
        long defaultBefore = pool("Default", NETWORK_ADVANTAGE).get("quantity").asLong();
        long labBefore = pool("Lab", NETWORK_ADVANTAGE).get("quantity").asLong();
        openVirtualAccount("Default");
        openTab("Licenses");
        b.waitForUrl("/Default/licenses");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("licenses")));
        List<String> headers = b.driver.findElements(By.cssSelector("#licenses thead th")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("License", "Purchased", "In Use", "Reserved", "Balance", "Status"), headers.subList(0, 6));

        transfer("Network Advantage", "3", "Lab");
        b.wait.until(ExpectedConditions.textToBe(By.xpath("//table[@id='licenses']//tr[contains(normalize-space(),"
                + " 'Network Advantage')]/td[2]"), String.valueOf(defaultBefore - 3)));
        assertTrue(b.driver.findElements(By.id("transfer-error")).isEmpty());
        assertEquals(defaultBefore - 3, pool("Default", NETWORK_ADVANTAGE).get("quantity").asLong());
        assertEquals(labBefore + 3, pool("Lab", NETWORK_ADVANTAGE).get("quantity").asLong());
        screenshot("va-5-licenses", "licenses");

        // Over the balance: the domain's 409 beside the form, and nothing moves.
        long balance = pool("Default", NETWORK_ADVANTAGE).get("balance").asLong();
        transfer("Network Advantage", "1000", "Lab");
        b.waitForText("transfer-error", "only " + balance + " unused 'Network Advantage' licenses can move from"
                + " 'Default', not 1000");
        assertEquals("1000", b.field("Quantity").getAttribute("value"));
        assertEquals(labBefore + 3, pool("Lab", NETWORK_ADVANTAGE).get("quantity").asLong());
        screenshot("va-6-licenses-transfer-error", "transfer");

        b.assertFitsAPhone("va-7-licenses-390x844");
        b.assertNothingFromAnotherOrigin();
    }

    private static void transfer(String license, String quantity, String target) {
        var b = browser;
        new Select(b.field("License")).selectByVisibleText(license + " (" + tagOf(license) + ")");
        b.typeInto("Quantity", quantity);
        new Select(b.field("Target Virtual Account")).selectByVisibleText(target);
        b.button("Transfer").click();
    }

    private static String tagOf(String license) {
        return license.equals("Network Advantage") ? NETWORK_ADVANTAGE : DNA_ADVANTAGE;
    }

    private static JsonNode pool(String va, String tag) {
        for (JsonNode l : api("/" + va + "/licenses").get("licenses")) {
            if (l.get("entitlementTag").asText().equals(tag)) {
                return l;
            }
        }
        throw new AssertionError("no pool " + tag + " in " + va);
    }

    @Test
    void reserveFromAPastedAndAnUploadedRequestCodeAndInstallTheDownloadedCodes() throws IOException {
        var b = browser;
        Path pasted = dir.resolve("pasted-device.json");
        Path uploaded = dir.resolve("uploaded-device.json");
        String pastedCode = requestCode(pasted, "WEB0001");
        String uploadedCode = requestCode(uploaded, "WEB0002");
        long reservedBefore = pool("Lab", NETWORK_ADVANTAGE).get("reserved").asLong();

        openVirtualAccount("Lab");
        openTab("Licenses");
        b.wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Reserve Licenses"))).click();
        b.waitForUrl("/Lab/licenses/reserve");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("request-code")));
        b.screenshot("va-8-reserve");
        b.assertFitsAPhone("va-8-reserve-390x844");

        // A garbage code: status ERROR and the domain's words beside the form; nothing reserved.
        b.typeInto("Request Code", "not a request code");
        b.typeInto("Network Advantage", "1");
        b.button("Reserve Licenses").click();
        b.waitForText("reserve-status", "ERROR");
        b.waitForText("status-messages", "reservationCode 'not a request code' is not a valid request code");
        assertEquals("1", b.field("Network Advantage").getAttribute("value"));
        assertEquals(reservedBefore, pool("Lab", NETWORK_ADVANTAGE).get("reserved").asLong());
        screenshot("va-9-reserve-error", "reserve-error");

        // Pasted.
        b.typeInto("Request Code", pastedCode);
        b.typeInto("Network Advantage", "2");
        b.typeInto("DNA Advantage", "1");
        b.button("Reserve Licenses").click();
        String first = reservedAndInstalled(pasted, "va-10-reservation-pasted");
        assertReserved(first, "P:C9300-24UX,S:WEB0001", Map.of(NETWORK_ADVANTAGE, 2L, DNA_ADVANTAGE, 1L));

        // Uploaded as a file.
        Path file = Files.writeString(dir.resolve("request-code.txt"), uploadedCode + "\n");
        b.open("/console/accounts/Example%20Corp/virtual-accounts/Lab/licenses/reserve");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("request-code")));
        b.upload("Request Code File", file);
        b.typeInto("Network Advantage", "1");
        b.button("Reserve Licenses").click();
        String second = reservedAndInstalled(uploaded, "va-11-reservation-uploaded");
        assertReserved(second, "P:C9300-24UX,S:WEB0002", Map.of(NETWORK_ADVANTAGE, 1L));
        assertEquals(reservedBefore + 3, pool("Lab", NETWORK_ADVANTAGE).get("reserved").asLong());
    }

    /** On the reservation's page: the code shown, downloaded, and installed on the device; the piid. */
    private static String reservedAndInstalled(Path device, String screenshot) throws IOException {
        var b = browser;
        b.waitForUrl("/Lab/licenses/reserve/");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reservation-piid")));
        String piid = b.driver.findElement(By.id("reservation-piid")).getText();
        String shown = b.field("Authorization Code").getAttribute("value");
        assertTrue(shown.startsWith("<specificPLR><authorizationCode>") && shown.contains("<piid>" + piid + "</piid>"),
                shown);
        assertEquals("true", b.field("Authorization Code").getAttribute("readonly"));
        screenshot(screenshot, "reservation-piid");
        b.button("Download Authorization Code").click();
        Path downloaded = b.awaitDownload("authorization-code-" + piid);
        assertEquals("authorization-code-" + piid + ".txt", downloaded.getFileName().toString());
        assertEquals(shown, Files.readString(downloaded).strip());

        StringWriter out = new StringWriter();
        int exit = agent(device, out, "reserve", "install", "--code-file", downloaded.toString());
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("Reservation installed for product instance " + piid), out.toString());
        return piid;
    }

    private static void assertReserved(String piid, String udi, Map<String, Long> quantities) {
        JsonNode device = api("/Lab/devices/" + piid);
        assertEquals("RESERVED", device.get("registrationStatus").asText(), device.toString());
        assertEquals("AUTHORIZED", device.get("authorizationStatus").asText(), device.toString());
        assertEquals("RESERVED", device.get("reservation").get("status").asText(), device.toString());
        assertEquals(udi, "P:" + device.get("sudi").get("udiPid").asText() + ",S:"
                + device.get("sudi").get("udiSerialNumber").asText());
        Map<String, Long> reserved = new HashMap<>();
        device.get("reservation").get("licenses").forEach(l -> reserved.put(l.get("entitlementTag").asText(),
                l.get("quantity").asLong()));
        assertEquals(quantities, reserved);
    }

    /** The device shows its request code, as {@code smartsat agent reserve request} prints it. */
    private static String requestCode(Path device, String serial) {
        StringWriter out = new StringWriter();
        assertEquals(0, agent(device, out, "reserve", "request", "--pid", "C9300-24UX", "--serial", serial),
                out.toString());
        String[] lines = out.toString().strip().split("\\R");
        return lines[lines.length - 1].strip();
    }

    /** {@code smartsat agent --state DEVICE --ca …/ca.pem ARGS}, in-process, as a person runs it. */
    private static int agent(Path device, StringWriter out, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of("agent", "--state", device.toString(), "--ca",
                sat.dir().resolve("certs/ca.pem").toString()));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void theEventLogFilteredByType() {
        var b = browser;
        sat.createToken("Lab", "{\"description\":\"for the event log\"}");
        openVirtualAccount("Lab");
        openTab("Event Log");
        b.waitForUrl("/Lab/events");
        b.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("events")));
        new Select(b.field("Type")).selectByVisibleText("TOKEN_CREATED");
        b.button("Filter").click();
        b.waitForUrl("type=TOKEN_CREATED");
        b.waitForText("events", "for the event log");
        JsonNode events = sat.get(TestSatellite.ACCOUNT_PATH + "/events?virtualAccount=Lab&type=TOKEN_CREATED",
                admin).json();
        List<String> shown = b.driver.findElements(By.cssSelector("#events tbody tr td:nth-child(4)")).stream()
                .map(WebElement::getText).toList();
        List<String> expected = new ArrayList<>();
        events.get("events").forEach(e -> expected.add(e.get("message").asText()));
        assertEquals(expected, shown);
        b.driver.findElements(By.cssSelector("#events tbody tr td:nth-child(2)"))
                .forEach(td -> assertEquals("TOKEN_CREATED", td.getText()));
        assertTrue(b.driver.findElement(By.id("showing")).getText().endsWith("of " + events.get("totalRecords").asLong()));
        assertEquals("TOKEN_CREATED", new Select(b.field("Type")).getFirstSelectedOption().getText());
        assertFalse(b.driver.getPageSource().contains("id=\"next\""));
        screenshot("va-12-events", "events");
        b.assertFitsAPhone("va-13-events-390x844");
        b.assertNothingFromAnotherOrigin();
    }
}
