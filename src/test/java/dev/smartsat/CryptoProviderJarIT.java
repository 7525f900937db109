package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crypto provider as the packaged jar chooses it: ACCP from its native library inside the shaded jar, BouncyCastle
 * when that library does not load (ACCP's own switch {@code useExternalLib} sends it to look for a system library
 * that is not there), and a clear refusal to start when {@code crypto.provider: accp} cannot be had.
 */
class CryptoProviderJarIT {
    /** Makes ACCP look for its library on the system's library path instead of in its jar: it fails to load. */
    private static final String NO_NATIVE_LIBRARY = "-Dcom.amazon.corretto.crypto.provider.useExternalLib=true";
    private static final Pattern CRYPTO_LINE = Pattern.compile("INFO  SmartSatServer - (signatures by .*)");
    private static final Pattern LISTENING = Pattern.compile("listening on https://[^:]+:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void theJarSignsAndDoesTlsWithAccp() throws Exception {
        String line = serveAndCheck(List.of(), null);
        assertTrue(line.startsWith("signatures by ACCP 2.5.0 (AWS-LC "), line);
        assertTrue(line.contains("ECDSA, ECDH and AES-GCM by AmazonCorrettoCryptoProvider, X25519 by SunEC"), line);
        assertTrue(line.endsWith("(crypto.provider auto)"), line);
    }

    @Test
    void withoutItsNativeLibraryAutoFallsBackToBouncyCastle() throws Exception {
        String line = serveAndCheck(List.of(NO_NATIVE_LIBRARY), null);
        assertTrue(line.startsWith("signatures by BouncyCastle 1.86, as ACCP is unavailable here (its native library"
                + " did not load: "), line);
        assertFalse(line.contains("AmazonCorrettoCryptoProvider"), "TLS is the JDK's own: " + line);
        assertTrue(line.contains("AES-GCM by SunJCE"), line);
    }

    @Test
    void bouncyCastleCanBeChosenWhereAccpWouldLoad() throws Exception {
        String line = serveAndCheck(List.of(), "bouncycastle");
        assertTrue(line.startsWith("signatures by BouncyCastle 1.86; TLS "), line);
        assertFalse(line.contains("AmazonCorrettoCryptoProvider"), line);
        assertTrue(line.endsWith("(crypto.provider bouncycastle)"), line);
    }

    @Test
    void aRequiredAccpThatCannotLoadStopsTheStartWithAClearError() throws Exception {
        Process serve = serve(List.of(NO_NATIVE_LIBRARY), "accp");
        assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve gives up at once");
        String out = Files.readString(dir.resolve("serve.log"), StandardCharsets.UTF_8);
        assertEquals(2, serve.exitValue(), out);
        assertTrue(out.contains("smartsat: crypto.provider is accp, but ACCP cannot be used here: its native library"
                + " did not load"), out);
        assertTrue(out.contains("(set crypto.provider or SMARTSAT_CRYPTO_PROVIDER to auto or bouncycastle)"), out);
        assertFalse(out.contains("\tat "), "no stack trace: " + out);
    }

    /** Starts serve, waits for its crypto line, checks that it answers over HTTPS, stops it; the line. */
    private String serveAndCheck(List<String> jvmOptions, String provider) throws Exception {
        Process serve = serve(jvmOptions, provider);
        try {
            Path log = dir.resolve("serve.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Matcher crypto = CRYPTO_LINE.matcher("");
            while (!crypto.reset(Files.readString(log, StandardCharsets.UTF_8)).find()) {
                assertTrue(serve.isAlive(), "serve exited:\n" + Files.readString(log, StandardCharsets.UTF_8));
                assertTrue(System.nanoTime() < deadline, "no crypto line within 60 s:\n" + Files.readString(log));
                Thread.sleep(50);
            }
            Matcher port = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            assertTrue(port.find());
            HttpClient client = HttpClient.newBuilder().sslContext(TestSatellite.trusting(dir.resolve("certs/ca.pem")))
                    .build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port.group(1) + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            return crypto.group(1);
        } finally {
            serve.destroy();
            if (!serve.waitFor(20, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    private Process serve(List<String> jvmOptions, String provider) throws Exception {
        Path jar = Path.of(System.getProperty("smartsat.jar", "target/smartsat.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "package the jar first: " + jar);
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "serve", "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile());
        builder.environment().remove("SMARTSAT_CRYPTO_PROVIDER");
        if (provider != null) {
            builder.environment().put("SMARTSAT_CRYPTO_PROVIDER", provider);
        }
        return builder.start();
    }
}
