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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10 end to end: two {@code java -jar smartsat.jar serve} nodes on one real PostgreSQL (the embedded one of
 * the tests), each with its own data dir and port and a copy of the first node's certs, and {@code agent fleet}
 * processes split across them. A registration token's {@code maxUses} holds exactly, a small pool is served first
 * authorized first served, the clock moved on one node moves the other, and a node killed with SIGKILL in the
 * middle of a registration storm loses nothing the fleets were told had worked while the other node refuses
 * nothing.
 */
class MultiNodeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NETWORK_ADVANTAGE =
            "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    private static final String DEFAULT = "/backend/api/v1/accounts/Example%20Corp/virtual-accounts/Default";

    @TempDir
    Path dir;
    private final Path jar = Path.of(System.getProperty("smartsat.jar", "target/smartsat.jar")).toAbsolutePath();
    private final List<Process> processes = new ArrayList<>();
    private String dbUrl;
    private HttpClient http;
    private String bearer;
    private final long began = System.nanoTime();

    private void phase(String what) {
        System.out.printf("MultiNodeIT %5.1f s: %s%n", (System.nanoTime() - began) / 1e9, what);
    }

    /** A running node: its process, port and log. */
    private record Node(String name, Process process, int port, Path log) {
        String url(String path) {
            return "https://localhost:" + port + path;
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoNodesShareEverythingAndAKilledNodeLosesNothing() throws Exception {
        assertTrue(Files.isRegularFile(jar), "package the jar first: " + jar);
        dbUrl = TestDatabase.newPostgresDatabase();
        Node a = start("a");
        copy(dir.resolve("a/certs"), dir.resolve("b/certs"));
        Node b = start("b");
        phase("both nodes up");
        http = HttpClient.newBuilder().sslContext(TestSatellite.trusting(dir.resolve("a/certs/ca.pem")))
                .connectTimeout(Duration.ofSeconds(10)).build();
        JsonNode admin = JSON.readTree(dir.resolve("a/data/admin-credentials.json").toFile());
        assertTrue(Files.notExists(dir.resolve("b/data/admin-credentials.json")), "only the first node made the admin");
        bearer = bearer(a, admin.get("client_id").asText(), admin.get("client_secret").asText());
        assertEquals(200, call(b, "GET", DEFAULT + "/tokens", null).statusCode(), "A's bearer token works on B");

        // One token of maxUses 30, 40 devices split across the nodes at once: exactly 30 register.
        String token = JSON.readTree(call(a, "POST", DEFAULT + "/tokens", "{\"description\":\"split\",\"maxUses\":30}")
                .body()).get("tokenInfo").get("token").asText();
        Fleet fleetA = fleet(a, token, 20, "SPLITA");
        Fleet fleetB = fleet(b, token, 20, "SPLITB");
        JsonNode reportA = report(fleetA);
        JsonNode reportB = report(fleetB);
        phase("split fleet done");
        assertEquals(30, reportA.get("registered").asLong() + reportB.get("registered").asLong(),
                reportA + "\n" + reportB);
        JsonNode tokenInfo = tokenInfo(b, token);
        assertEquals(30, tokenInfo.get("uses").asLong(), tokenInfo.toString());
        assertEquals("EXHAUSTED", tokenInfo.get("status").asText());

        // Each device asked one Network Advantage of the seed's pool of 20, from both nodes at once: exactly as
        // many as the pool holds are authorized, the rest are out of compliance, and the pool counts all 30.
        JsonNode devices = JSON.readTree(call(b, "GET", DEFAULT + "/devices?limit=1000", null).body());
        assertEquals(30, devices.get("totalRecords").asLong());
        long authorized = 0;
        for (JsonNode d : devices.get("devices")) {
            authorized += d.get("authorizationStatus").asText().equals("AUTHORIZED") ? 1 : 0;
        }
        JsonNode pool = pool(a, NETWORK_ADVANTAGE);
        assertEquals(pool.get("quantity").asLong(), authorized, "first authorized, first served: " + pool);
        assertEquals(30, pool.get("inUse").asLong(), pool.toString());
        assertEquals("Out of Compliance", pool.get("status").asText());

        // The clock moved on A: B answers with the new time within its refresh.
        assertEquals(200, call(a, "PUT", "/backend/api/v1/sim/clock", "{\"advance\":\"P2D\"}").statusCode());
        Instant expected = Instant.now().plus(Duration.ofDays(2)).minusSeconds(60);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Instant onB;
        do {
            onB = Instant.parse(JSON.readTree(call(b, "GET", "/health", null).body()).get("time").asText());
        } while (onB.isBefore(expected) && System.nanoTime() < deadline);
        assertTrue(!onB.isBefore(expected), "B's time " + onB + " did not follow A's clock");
        assertEquals(200, call(b, "DELETE", "/backend/api/v1/sim/clock", null).statusCode());
        phase("clock checked");

        // A registration storm on both nodes; A is killed in the middle of it.
        String storm = JSON.readTree(call(a, "POST", DEFAULT + "/tokens", "{\"description\":\"storm\"}").body())
                .get("tokenInfo").get("token").asText();
        Fleet stormA = fleet(a, storm, 300, "STORMA");
        Fleet stormB = fleet(b, storm, 300, "STORMB");
        long registeredBefore = 30;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (tokenInfo(b, storm).get("uses").asLong() < 50 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        a.process().destroyForcibly();  // SIGKILL: no stop hook runs
        assertTrue(a.process().waitFor(20, TimeUnit.SECONDS));
        phase("A killed");
        JsonNode killed = report(stormA);
        JsonNode survivor = report(stormB);
        phase("storm fleets done");
        assertEquals(0, survivor.get("failed").asLong(), "node B refused nothing: " + survivor);
        assertEquals(300, survivor.get("registered").asLong(), survivor.toString());
        assertTrue(killed.get("failed").asLong() > 0, "A died before its fleet was done: " + killed);
        System.out.println("storm: node A acknowledged " + killed.get("registered") + " registrations before SIGKILL ("
                + killed.get("failed") + " of its devices failed); node B " + survivor.get("registered") + ", 0 failed");

        Node again = start("a");
        phase("A restarted");
        JsonNode all = JSON.readTree(call(again, "GET", DEFAULT + "/devices?limit=1", null).body());
        long acknowledged = killed.get("registered").asLong() + survivor.get("registered").asLong();
        assertTrue(all.get("totalRecords").asLong() >= registeredBefore + acknowledged,
                "every registration a node acknowledged is stored: " + all.get("totalRecords") + " < "
                        + (registeredBefore + acknowledged) + "; " + killed);
        // Every pool's inUse is still the sum of its devices' usage.
        long usage = 0;
        for (int offset = 0; ; offset += 1000) {
            JsonNode page = JSON.readTree(call(b, "GET", DEFAULT + "/devices?limit=1000&offset=" + offset, null).body());
            for (JsonNode d : page.get("devices")) {
                for (JsonNode u : d.get("licenseUsage")) {
                    usage += u.get("entitlementTag").asText().equals(NETWORK_ADVANTAGE) ? u.get("quantity").asLong() : 0;
                }
            }
            if (offset + 1000 >= page.get("totalRecords").asLong()) {
                break;
            }
        }
        assertEquals(usage, pool(again, NETWORK_ADVANTAGE).get("inUse").asLong());
    }

    private Node start(String name) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path home = Files.createDirectories(dir.resolve(name));
        Path log = home.resolve("serve-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", jar.toString(), "serve", "--port", String.valueOf(port),
                "--data-dir", "data", "--certs-dir", "certs").directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("SMARTSAT_DB_URL", dbUrl);
        pb.environment().put("SMARTSAT_DB_USER", TestDatabase.PG_USER);
        Process p = pb.start();
        processes.add(p);
        Node node = new Node(name, p, port, log);
        HttpClient probe = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), name + " exited: " + Files.readString(log));
            if (probe == null && Files.exists(home.resolve("certs/ca.pem"))) {
                // The first node makes its certs as it starts.
                probe = HttpClient.newBuilder().sslContext(TestSatellite.trusting(home.resolve("certs/ca.pem"))).build();
            }
            try {
                if (probe != null && probe.send(HttpRequest.newBuilder(
                        URI.create(node.url("/health"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return node;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " not healthy in 90 s: " + Files.readString(log));
    }

    /** An {@code agent fleet} process and the name its output files carry. */
    private record Fleet(Process process, String prefix) {}

    private Fleet fleet(Node node, String token, int devices, String prefix) throws IOException {
        Path out = dir.resolve("fleet-" + prefix + ".json");
        return new Fleet(new ProcessBuilder("java", "-jar", jar.toString(), "agent", "fleet", "--url", node.url("/SmartTransport"),
                "--ca", dir.resolve("a/certs/ca.pem").toString(), "--token", token, "--devices", String.valueOf(devices),
                "--concurrency", "8", "--serial-prefix", prefix,
                "--entitlement", NETWORK_ADVANTAGE + "=1", "--json")
                .directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("fleet-" + prefix + ".err").toFile()).start(), prefix);
    }

    /** The fleet's JSON report; it exits 1 when any device failed, which some of these runs expect. */
    private JsonNode report(Fleet fleet) throws Exception {
        assertTrue(fleet.process().waitFor(300, TimeUnit.SECONDS), "the fleet finished");
        String prefix = fleet.prefix();
        String out = Files.readString(dir.resolve("fleet-" + prefix + ".json"), StandardCharsets.UTF_8);
        assertTrue(!out.isBlank(), "no report from " + prefix + ": "
                + Files.readString(dir.resolve("fleet-" + prefix + ".err")));
        return JSON.readTree(out);
    }

    private String bearer(Node node, String id, String secret) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.url("/backend/oauth/token")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + id
                        + "&client_secret=" + secret)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    private HttpResponse<String> call(Node node, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode tokenInfo(Node node, String token) throws Exception {
        for (JsonNode t : JSON.readTree(call(node, "GET", DEFAULT + "/tokens?limit=1000", null).body()).get("tokens")) {
            if (t.get("token").asText().equals(token)) {
                return t;
            }
        }
        throw new AssertionError("no token " + token);
    }

    private JsonNode pool(Node node, String tag) throws Exception {
        for (JsonNode l : JSON.readTree(call(node, "GET", DEFAULT + "/licenses", null).body()).get("licenses")) {
            if (l.get("entitlementTag").asText().equals(tag)) {
                return l;
            }
        }
        throw new AssertionError("no pool " + tag);
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
