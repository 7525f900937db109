package dev.smartsat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise, run as a user runs it: {@code java -jar target/smartsat.jar serve} with no
 * arguments, in an empty directory, answers /health on https://localhost:8443 trusted by certs/ca.pem,
 * the generated PKI passes openssl verify, and the agent's command line registers and authorizes a
 * device against it.
 */
class ServeJarIT {
    @TempDir
    Path dir;
    private int port;
    private String bearer;

    /**
     * With no arguments when 8443 is free (the README's promise exactly); when something else holds 8443, the
     * same run on a free port given by --port, saying so, rather than skipping.
     */
    @Test
    void serveWithNoArgumentsAnswersHealthOn8443() throws Exception {
        port = 8443;
        List<String> command = new ArrayList<>(List.of("java", "-jar", "JAR", "serve"));
        if (!portFree(8443)) {
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            System.out.println("port 8443 is taken on this machine: serving on --port " + port + " instead");
            command.addAll(List.of("--port", String.valueOf(port)));
        }
        Path jar = Path.of(System.getProperty("smartsat.jar", "target/smartsat.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "package the jar first: " + jar);
        Path log = dir.resolve("serve.log");
        long started = System.nanoTime();
        command.set(2, jar.toString());
        Process serve = new ProcessBuilder(command)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            JsonNode health = waitForHealth(serve, log);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.println("java -jar to healthy: " + millis + " ms");
            assertEquals("UP", health.get("status").asText());
            assertEquals("satellite", health.get("role").asText());
            assertEquals("disconnected", health.get("mode").asText());

            for (String cert : new String[] {"tls.pem", "signing.pem", "product-ca.pem"}) {
                String out = openssl("verify", "-CAfile", "certs/ca.pem", "certs/" + cert);
                assertTrue(out.contains(": OK"), cert + ": " + out);
            }
            String tls = openssl("x509", "-in", "certs/tls.pem", "-noout", "-ext", "subjectAltName");
            assertTrue(tls.contains("DNS:localhost") && tls.contains("IP Address:127.0.0.1"), tls);
            String registration = agentRoundTrip(jar);
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(!text.contains(registration), "a registration token is logged by its first 8 characters only");
            assertTrue(text.contains("/tokens/" + registration.substring(0, 8) + ".../revoke 401"), text);
            assertTrue(text.contains("/tokens/" + registration.substring(0, 8) + "... 204"), text);
            String secret = new ObjectMapper().readTree(dir.resolve("data/admin-credentials.json").toFile())
                    .get("client_secret").asText();
            assertTrue(!text.contains(secret), "the admin secret must not be logged");
            assertTrue(!text.contains(bearer), "a bearer token must not be logged");
            // the health polls above are debug lines, below the default level
            assertTrue(!text.contains("GET /health"), text);

            serve.destroy(); // SIGTERM, as `kill` or a service manager sends it (SPEC §13)
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve stops within 30 s of SIGTERM");
            String stopped = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(stopped.contains("SmartSat stopped: the 0 request(s) in flight finished, database closed"),
                    "one line says the server stopped cleanly:\n" + stopped);
        } finally {
            serve.destroy();
            if (!serve.waitFor(20, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }

    /** The README's agent steps, each a separate `java -jar smartsat.jar agent …` process. */
    private String agentRoundTrip(Path jar) throws Exception {
        JsonNode credentials = new ObjectMapper().readTree(dir.resolve("data/admin-credentials.json").toFile());
        HttpClient client = HttpClient.newBuilder().sslContext(TestSatellite.trusting(dir.resolve("certs/ca.pem"))).build();
        String form = "grant_type=client_credentials&client_id=" + credentials.get("client_id").asText()
                + "&client_secret=" + credentials.get("client_secret").asText();
        HttpResponse<String> token = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/backend/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        bearer = new ObjectMapper().readTree(token.body()).get("access_token").asText();
        String va = "https://localhost:" + port + "/backend/api/v1/accounts/Example%20Corp/virtual-accounts/Default";
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(va + "/tokens"))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"description\":\"jar round trip\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String registration = new ObjectMapper().readTree(created.body()).get("tokenInfo").get("token").asText();

        String tag = "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
        agent(jar, "register", "--url", "https://localhost:" + port + "/SmartTransport", "--token", registration,
                "--pid", "C9300-24UX", "--serial", "FCW2134L0RN");
        agent(jar, "authorize", "--entitlement", tag + "=2");
        String status = agent(jar, "status");
        assertTrue(status.contains("Registered") && status.contains("Authorized"), status);
        HttpResponse<String> devices = client.send(HttpRequest.newBuilder(URI.create(va + "/devices"))
                .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode device = new ObjectMapper().readTree(devices.body()).get("devices").get(0);
        assertEquals("AUTHORIZED", device.get("authorizationStatus").asText(), devices.body());
        assertEquals(2, device.get("licenseUsage").get(0).get("quantity").asInt());
        agent(jar, "deregister");

        // Revoked without a token (refused), then removed: both paths name the token.
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(va + "/tokens/" + registration
                + "/revoke")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), refused.body());
        HttpResponse<String> removed = client.send(HttpRequest.newBuilder(URI.create(va + "/tokens/" + registration))
                .header("Authorization", "Bearer " + bearer).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, removed.statusCode(), removed.body());
        return registration;
    }

    private String agent(Path jar, String... args) throws Exception {
        String[] command = new String[args.length + 8];
        String[] head = {"java", "-jar", jar.toString(), "agent", "--state", "device.json", "--ca", "certs/ca.pem"};
        System.arraycopy(head, 0, command, 0, head.length);
        System.arraycopy(args, 0, command, head.length, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", args) + ": " + out);
        return out;
    }

    private JsonNode waitForHealth(Process serve, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!serve.isAlive()) {
                throw new AssertionError("serve exited with " + serve.exitValue() + ":\n" + Files.readString(log));
            }
            Path ca = dir.resolve("certs/ca.pem");
            if (Files.exists(ca)) {
                try {
                    HttpClient client = HttpClient.newBuilder().sslContext(TestSatellite.trusting(ca)).build();
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return new ObjectMapper().readTree(r.body());
                    }
                } catch (IOException | IllegalStateException e) {
                    // not listening yet, or ca.pem still being written
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no healthy answer within 60 s:\n" + Files.readString(log));
    }

    private String openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
