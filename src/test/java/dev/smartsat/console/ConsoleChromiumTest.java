package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (STYLE.md): the machine's headless Chromium signs in, makes a virtual account by
 * typing and clicking, signs out, and loads nothing from another origin; screenshots go to
 * target/console-screenshots/. Needs Debian's chromium and chromium-driver (.ci/run installs them); without them
 * it fails, saying so, rather than passing unseen.
 */
class ConsoleChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static ChromeDriverService service;
    static WebDriver driver;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "the browser test needs "
                + CHROMIUM + " and " + CHROMEDRIVER + ": apt-get install -y chromium chromium-driver");
        sat = TestSatellite.start(dir);
        // The machine's own driver and browser, named outright, so Selenium Manager downloads nothing.
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        // The satellite's TLS certificate comes from its own CA, made for this test; only this test browser is
        // told to accept it (a site trusts the CA instead).
        options.setAcceptInsecureCerts(true);
        driver = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (sat != null) {
            sat.close();
        }
    }

    @Test
    void signInCreateAVirtualAccountAndSignOut() throws IOException {
        Map<String, String> admin = sat.adminCredentials();
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        driver.manage().window().setSize(new Dimension(1280, 800));

        driver.get(sat.uri("/").toString());
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        screenshot("1-sign-in");

        // A wrong pair: the error, and no session cookie.
        signIn(admin.get("client_id"), "not-the-secret");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "wrong client_secret"));
        assertEquals(null, driver.manage().getCookieNamed(Console.SESSION_COOKIE));

        signIn(admin.get("client_id"), admin.get("client_secret"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in"), admin.get("client_id")));
        driver.findElement(By.linkText(TestSatellite.ACCOUNT)).click();
        wait.until(ExpectedConditions.urlContains("/virtual-accounts"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("name")));

        typeInto("Name", "Made In Chromium");
        typeInto("Description", "typed and clicked");
        button("New Virtual Account").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("virtual-accounts"), "Made In Chromium"));
        screenshot("2-virtual-accounts-1280x800");
        JsonNode va = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Made%20In%20Chromium", sat.adminToken()).json();
        assertEquals("typed and clicked", va.get("description").asText(), va.toString());

        // The same name again: the API's words beside the form.
        typeInto("Name", "Made In Chromium");
        button("New Virtual Account").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-error"),
                "a virtual account named 'Made In Chromium' already exists"));

        // Phone width: everything still reachable without scrolling sideways.
        driver.manage().window().setSize(new Dimension(390, 844));
        wait.until(d -> ((Number) script("return window.innerWidth")).intValue() <= 390);
        assertTrue(button("New Virtual Account").isDisplayed());
        assertTrue((Boolean) script("return document.documentElement.scrollWidth <= window.innerWidth"),
                "the page scrolls sideways at 390 px");
        screenshot("3-virtual-accounts-390x844");
        driver.manage().window().setSize(new Dimension(1280, 800));

        // Everything this document loaded came from the satellite (and the page did load its style and script).
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) script("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".concat(performance.getEntriesByType('navigation').map(e => e.name))");
        String origin = (String) script("return location.origin");
        assertTrue(loaded.stream().anyMatch(u -> u.endsWith("pico.min.css")), loaded.toString());
        assertTrue(loaded.stream().anyMatch(u -> u.endsWith("htmx.min.js")), loaded.toString());
        List<String> foreign = loaded.stream().filter(u -> !u.startsWith(origin + "/")).toList();
        assertEquals(List.of(), foreign, "loaded from another origin");

        button("Sign Out").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("client_id")));
        screenshot("4-signed-out");
        driver.get(sat.uri("/console").toString());
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        assertFalse(driver.getPageSource().contains("Sign Out"));
    }

    private static void signIn(String clientId, String secret) {
        typeInto("Client ID", clientId);
        typeInto("Client Secret", secret);
        button("Sign In").click();
    }

    /** Finds an input by its label's text, as a person does, which also checks that the label names it. */
    private static void typeInto(String label, String text) {
        WebElement l = driver.findElement(By.xpath("//label[normalize-space()='" + label + "']"));
        WebElement input = driver.findElement(By.id(l.getAttribute("for")));
        input.clear();
        input.sendKeys(text);
    }

    private static WebElement button(String text) {
        return driver.findElement(By.xpath("//button[normalize-space()='" + text + "']"));
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    private static void screenshot(String name) throws IOException {
        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
