package dev.smartsat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The machine's headless Chromium, driven as a person uses the console: by labels and button names, typing,
 * clicking, uploading and downloading files; screenshots go to target/console-screenshots/. Needs Debian's
 * chromium and chromium-driver (.ci/run installs them); without them a test fails, saying so, rather than passing
 * unseen.
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    final TestSatellite sat;
    final ChromeDriver driver;
    final WebDriverWait wait;
    /** Where the browser saves what it downloads, without asking. */
    final Path downloads;
    private final ChromeDriverService service;

    private Chromium(TestSatellite sat, ChromeDriverService service, ChromeDriver driver, Path downloads) {
        this.sat = sat;
        this.service = service;
        this.driver = driver;
        this.downloads = downloads;
        // htmx swaps the page under a waiting condition: an element found a moment ago may be gone, so look again.
        this.wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** A browser at 1280×800 for {@code sat}, with its profile and downloads under {@code dir}. */
    static Chromium start(TestSatellite sat, Path dir) {
        assertTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER), "the browser test needs "
                + BINARY + " and " + DRIVER + ": apt-get install -y chromium chromium-driver");
        try {
            Path downloads = Files.createDirectories(dir.resolve("downloads"));
            // The machine's own driver and browser, named outright, so Selenium Manager downloads nothing.
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort().build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BINARY.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1280,800",
                    "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
            options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false, "safebrowsing.enabled", false));
            // The satellite's TLS certificate comes from its own CA, made for this test; only this test browser
            // is told to accept it (a site trusts the CA instead).
            options.setAcceptInsecureCerts(true);
            ChromeDriver driver = new ChromeDriver(service, options);
            Files.createDirectories(SCREENSHOTS);
            Chromium c = new Chromium(sat, service, driver, downloads);
            c.size(1280, 800);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }

    void open(String path) {
        driver.get(sat.uri(path).toString());
    }

    /** Signs in through the form, as a person would, and waits for the signed-in header. */
    void signIn(String clientId, String secret) {
        open("/console/sign-in");
        typeInto("Client ID", clientId);
        typeInto("Client Secret", secret);
        button("Sign In").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in"), clientId));
    }

    void signInAsAdmin() {
        Map<String, String> admin = sat.adminCredentials();
        signIn(admin.get("client_id"), admin.get("client_secret"));
    }

    void signOut() {
        button("Sign Out").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("client_id")));
    }

    /** The input, select or text area a label names, as a person finds it (which also checks the label). */
    WebElement field(String label) {
        WebElement l = driver.findElement(By.xpath("//label[normalize-space()='" + label + "']"));
        return driver.findElement(By.id(l.getAttribute("for")));
    }

    void typeInto(String label, String text) {
        WebElement input = field(label);
        input.clear();
        input.sendKeys(text);
    }

    /** Puts a file into a file input, as choosing it in the browser's dialog does. */
    void upload(String label, Path file) {
        field(label).sendKeys(file.toAbsolutePath().toString());
    }

    /** The one visible button with this text. */
    WebElement button(String text) {
        return driver.findElement(By.xpath("//button[normalize-space()='" + text + "']"));
    }

    /** The button with this text inside the table row that contains {@code rowText}. */
    WebElement buttonInRow(String rowText, String text) {
        return driver.findElement(By.xpath("//tr[contains(normalize-space(), '" + rowText + "')]//button[normalize-space()='"
                + text + "']"));
    }

    void waitForText(String id, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
    }

    void waitForUrl(String part) {
        wait.until(ExpectedConditions.urlContains(part));
    }

    /** Waits for the browser to finish saving a file whose name starts with {@code prefix}; its path. */
    Path awaitDownload(String prefix) {
        return wait.until(d -> {
            try (Stream<Path> files = Files.list(downloads)) {
                return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                        .filter(p -> !p.getFileName().toString().endsWith(".crdownload")).findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        wait.until(d -> ((Number) script("return window.innerWidth")).intValue() <= width);
    }

    /** At phone width (390×844) the page does not scroll sideways; the size is left at 1280×800 afterwards. */
    void assertFitsAPhone(String screenshot) {
        size(390, 844);
        try {
            assertTrue((Boolean) script("return document.documentElement.scrollWidth <= window.innerWidth"),
                    "the page scrolls sideways at 390 px: " + driver.getCurrentUrl());
            screenshot(screenshot);
        } finally {
            size(1280, 800);
        }
    }

    /** Everything this document loaded came from the satellite, its style sheet and script among it. */
    void assertNothingFromAnotherOrigin() {
        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) script("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".concat(performance.getEntriesByType('navigation').map(e => e.name))");
        String origin = (String) script("return location.origin");
        List<String> foreign = loaded.stream().filter(u -> !u.startsWith(origin + "/")).toList();
        assertEquals(List.of(), foreign, "loaded from another origin by " + driver.getCurrentUrl());
    }

    void screenshot(String name) {
        try {
            Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
