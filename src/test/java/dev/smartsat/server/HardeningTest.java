package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression tests for the defects of an adversarial run: each one over real HTTPS, or on the real files. */
class HardeningTest {
    private static final String VA = "/backend/api/v1/accounts/Example%20Corp/virtual-accounts/Default";

    @TempDir
    Path dir;

    @Test
    void aKnownPathWithAnotherMethodIs405() {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            TestSatellite.Response get = sat.get("/SmartTransport", null);
            assertEquals(405, get.status(), get.toString());
            assertEquals("GET is not allowed on /SmartTransport", get.json().get("message").asText());
            // SPEC §3: every method but POST gets the management API's plain JSON error, not a signed envelope.
            for (String method : List.of("PUT", "DELETE", "PATCH")) {
                TestSatellite.Response other = sat.send(method, "/SmartTransport", null, "application/json",
                        java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
                assertEquals(405, other.status(), method + ": " + other);
                assertEquals("ERROR", other.json().get("status").asText(), other.toString());
                assertEquals(method + " is not allowed on /SmartTransport", other.json().get("message").asText());
                assertTrue(!other.body().contains("signature"), "not an envelope: " + other);
            }
            assertEquals(404, sat.get("/no/such/path", null).status());
        }
    }

    @Test
    void requestsJettyRefusesItselfAnswerTheJsonError() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            RawHttps raw = new RawHttps(sat);
            List<RawHttps.Answer> answers = List.of(
                    raw.get("/backend/api/v1/accounts/%zz", null),
                    raw.get("/backend/api/v1/%", null),
                    raw.get("/backend/api/v1/accounts/a%00b", null),
                    raw.get("/backend/api/v1/" + "a".repeat(9000), null),
                    raw.send("GET", "/health", null, "X-Big: " + "b".repeat(17_000) + "\r\n"));
            List<Integer> statuses = answers.stream().map(RawHttps.Answer::status).toList();
            assertEquals(List.of(400, 400, 400, 414, 431), statuses, answers.toString());
            for (RawHttps.Answer a : answers) {
                assertTrue(PercentEscapeFuzzTest.isJsonClientError(a), "the JSON error of SPEC §4: " + a);
            }
        }
    }

    /** The access log's view of a path; the jar's own log is checked end to end in ServeJarIT. */
    @Test
    void aRegistrationTokenInAPathIsLoggedByItsFirstEightCharacters() {
        String token = "ZmFrZS10b2tlbi0xMjM0NTY3ODkwYWJjZGVm";
        assertEquals(VA + "/tokens/ZmFrZS10.../revoke", Redaction.path(VA + "/tokens/" + token + "/revoke"));
        assertEquals(VA + "/tokens/ZmFrZS10...", Redaction.path(VA + "/tokens/" + token));
        assertEquals(VA + "/tokens/short...", Redaction.path(VA + "/tokens/short"));
        assertEquals(VA + "/tokens", Redaction.path(VA + "/tokens"));
    }

    @Test
    void theBootstrapAdminExistsOnlyWithItsCredentialsFile() throws Exception {
        Path sat = dir.resolve("sat");
        Path credentials = sat.resolve("data/admin-credentials.json");
        Files.createDirectories(credentials); // a directory where the file must go: the write fails
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TestSatellite.start(sat));
        assertTrue(refused.getMessage().contains("admin-credentials.json"), refused.getMessage());

        Files.delete(credentials);
        try (TestSatellite again = TestSatellite.start(sat)) {
            assertTrue(Files.isRegularFile(credentials), "the next start writes the file");
            Map<String, String> c = again.adminCredentials();
            assertFalse(again.token(c.get("client_id"), c.get("client_secret")).isBlank(), "and its admin signs in");
        }
    }

    @Test
    void dataAndCertsAreOwnerOnlyAlsoWhenTheyExistedWithLooserModes() throws Exception {
        Path sat = dir.resolve("sat");
        try (TestSatellite first = TestSatellite.start(sat)) {
            first.createToken("Default", "{\"description\":\"in the database\"}");
        }
        Path data = sat.resolve("data");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(sat.resolve("certs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("smartsat.db"), PosixFilePermissions.fromString("rw-r--r--"));
        try (TestSatellite again = TestSatellite.start(sat)) {
            again.createToken("Default", "{\"description\":\"a write, so the WAL exists\"}");
            assertEquals("rwx------", mode(data));
            assertEquals("rwx------", mode(sat.resolve("certs")));
            for (String file : List.of("smartsat.db", "smartsat.db-wal", "smartsat.db-shm", "smartsat.lock",
                    "admin-credentials.json")) {
                assertEquals("rw-------", mode(data.resolve(file)), file);
            }
        }
        Path fresh = dir.resolve("fresh");
        try (TestSatellite created = TestSatellite.start(fresh)) {
            assertEquals("rwx------", mode(fresh.resolve("data")));
            assertEquals("rwx------", mode(fresh.resolve("certs")));
            assertEquals("rw-------", mode(fresh.resolve("data/smartsat.db")));
        }
    }

    @Test
    void pagingAndFaultsNameWhatToFix() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            String admin = sat.adminToken();
            TestSatellite.Response huge = sat.get(VA + "/devices?offset=9223372036854775807", admin);
            assertEquals(400, huge.status());
            assertEquals("offset must be from 0 to 2147483647, not 9223372036854775807",
                    huge.json().get("message").asText());
            assertEquals("limit must be a whole number, not 'ten'",
                    sat.get(VA + "/devices?limit=ten", admin).json().get("message").asText());

            String faults = "/backend/api/v1/sim/faults";
            assertEquals(200, sat.post(faults, admin, "{\"transport\":{\"failRate\":0.5}}").status());
            TestSatellite.Response garbage = sat.post(faults, admin, "{\"name\":\"garbage\"}");
            assertEquals(400, garbage.status(), garbage.toString());
            assertTrue(garbage.json().get("errors").has("name"), garbage.toString());
            TestSatellite.Response nested = sat.post(faults, admin, "{\"transport\":{\"failrate\":1}}");
            assertEquals(400, nested.status(), nested.toString());
            assertTrue(nested.json().get("errors").has("transport.failrate"), nested.toString());
            assertEquals(0.5, sat.get(faults, admin).json().get("transport").get("failRate").asDouble(),
                    "a refused body changes nothing");
        }
    }

    @Test
    void tls12RenegotiationIsRefused() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"))) {
            var tls = TestSatellite.trusting(sat.dir().resolve("certs/ca.pem")).getSocketFactory();
            try (SSLSocket socket = (SSLSocket) tls.createSocket("localhost", sat.uri("/").getPort())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.setSoTimeout(10_000);
                assertTrue(health(socket).startsWith("HTTP/1.1 200"), "the connection works before");
                socket.startHandshake(); // a second handshake on TLS 1.2 is a renegotiation
                assertThrows(IOException.class, () -> {
                    String again = health(socket);
                    if (again.isEmpty()) {
                        throw new IOException("closed");
                    }
                }, "the server does not renegotiate");
            }
        }
    }

    private static String health(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
