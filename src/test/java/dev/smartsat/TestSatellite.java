package dev.smartsat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.config.Settings;
import dev.smartsat.config.SettingsLoader;
import dev.smartsat.pki.CryptoProviders;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.TrustAnchors;
import dev.smartsat.server.SmartSatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A real SmartSat server on a free port with its own data and certs dirs, and an HTTPS client that
 * trusts only its root CA: what the end-to-end tests drive.
 */
public final class TestSatellite implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ACCOUNT = "Example Corp";
    public static final String ACCOUNT_PATH = "/backend/api/v1/accounts/Example%20Corp";

    private final Path dir;
    private final Map<String, String> env;
    private final Map<String, Object> flags;
    public final MutableClock wall = new MutableClock();
    private SmartSatServer server;
    private HttpClient http;
    private String adminToken;

    private TestSatellite(Path dir, Map<String, String> env, Map<String, Object> flags) {
        this.dir = dir;
        this.env = env;
        this.flags = flags;
    }

    public static TestSatellite start(Path dir) {
        return start(dir, Map.of(), Map.of());
    }

    /** A satellite on the given database (PostgreSQL: a fresh database of its own, kept across restarts). */
    public static TestSatellite start(Path dir, TestDatabase database) {
        return start(dir, Map.of(), database.flags());
    }

    public static TestSatellite start(Path dir, TestDatabase database, Map<String, String> env,
                                      Map<String, Object> flags) {
        return start(dir, env, database.flags(flags));
    }

    public static TestSatellite start(Path dir, Map<String, String> env, Map<String, Object> flags) {
        TestSatellite s = new TestSatellite(dir, env, flags);
        s.boot();
        return s;
    }

    public Settings settings() {
        SettingsLoader loader = new SettingsLoader(env)
                .flag("data.dir", dir.resolve("data"))
                .flag("certs.dir", dir.resolve("certs"))
                .flag("server.port", 0)
                .flag("auth.bcrypt_cost", 4)
                // The provider the test runs on (OnEachCryptoProvider), not the server's own choice.
                .flag("crypto.provider", CryptoProviders.current().setting());
        flags.forEach(loader::flag);
        return loader.load();
    }

    private void boot() {
        server = SmartSatServer.start(settings(), wall, env);
        http = HttpClient.newBuilder().sslContext(trusting(dir.resolve("certs/ca.pem")))
                .connectTimeout(Duration.ofSeconds(10)).build();
        adminToken = null;
    }

    /** Stops and starts the server on the same data and certs dirs (on a new port). */
    public void restart() {
        stop();
        boot();
    }

    /** Stops the server, releasing its data dir, until {@link #restart()}. */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public SmartSatServer server() {
        return server;
    }

    public Path dir() {
        return dir;
    }

    public URI uri(String path) {
        return URI.create("https://localhost:" + server.port() + path);
    }

    public static SSLContext trusting(Path caPem) {
        try {
            return TrustAnchors.trusting(PemFiles.readCertificate(caPem));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, body text and headers. */
    public record Response(int status, String body, HttpHeaders headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response send(String method, String path, String token, String contentType, HttpRequest.BodyPublisher body) {
        return sendWithAuthorization(method, path, token == null ? null : "Bearer " + token, contentType, body);
    }

    /** A request with exactly the Authorization header given (none when null), to send forged ones too. */
    public Response sendWithAuthorization(String method, String path, String authorization, String contentType,
                                          HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).method(method, body);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, HttpRequest.BodyPublishers.noBody());
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null, HttpRequest.BodyPublishers.noBody());
    }

    /** A JSON request; {@code json} is sent as it is, so tests can send broken JSON too. */
    public Response json(String method, String path, String token, String json) {
        return send(method, path, token, "application/json", HttpRequest.BodyPublishers.ofString(json));
    }

    public Response post(String path, String token, String json) {
        return json("POST", path, token, json);
    }

    public Response form(String path, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send("POST", path, null, "application/x-www-form-urlencoded",
                HttpRequest.BodyPublishers.ofString(body.toString()));
    }

    /** The bootstrap admin's credentials, as the server wrote them. */
    public Map<String, String> adminCredentials() {
        try {
            JsonNode node = JSON.readTree(dir.resolve("data/admin-credentials.json").toFile());
            return Map.of("client_id", node.get("client_id").asText(), "client_secret", node.get("client_secret").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String token(String clientId, String clientSecret) {
        Response r = form("/backend/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", clientId, "client_secret", clientSecret));
        if (r.status() != 200) {
            throw new AssertionError("token request failed: " + r);
        }
        return r.json().get("access_token").asText();
    }

    public String adminToken() {
        if (adminToken == null) {
            Map<String, String> c = adminCredentials();
            adminToken = token(c.get("client_id"), c.get("client_secret"));
        }
        return adminToken;
    }

    /** An API client's credentials. */
    public record Client(String id, String secret) {}

    /** A new client with the given role (admin, operator or viewer). */
    public Client newClient(String role) {
        Response r = post("/backend/api/v1/clients", adminToken(), "{\"name\":\"test " + role + "\",\"role\":\"" + role + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("client creation failed: " + r);
        }
        return new Client(r.json().get("clientId").asText(), r.json().get("clientSecret").asText());
    }

    /** A bearer token of a new client with the given role (admin, operator or viewer). */
    public String tokenForRole(String role) {
        Client client = newClient(role);
        return token(client.id(), client.secret());
    }

    /** Creates a registration token in a virtual account and returns its value. */
    public String createToken(String virtualAccount, String body) {
        Response r = post(ACCOUNT_PATH + "/virtual-accounts/" + virtualAccount + "/tokens", adminToken(), body);
        if (r.status() != 201) {
            throw new AssertionError("token creation failed: " + r);
        }
        return r.json().get("tokenInfo").get("token").asText();
    }

    public static Map<String, Object> flags(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Override
    public void close() {
        stop();
    }
}
