package dev.smartsat.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Main;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.pki.Pki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * An upstream (serve --role cssm) and a satellite that trusts it, each a real server on a free port with
 * its own data and certs dirs; the satellite holds an operator client of the upstream. What the sync
 * tests drive, with the reads they compare before and after.
 */
public final class SyncPair implements AutoCloseable {
    static final String API = "/backend/api/v1";
    static final String VAS = TestSatellite.ACCOUNT_PATH + "/virtual-accounts";
    /** Catalog tags the seed gives Default and Lab pools of. */
    static final String NETWORK_ADVANTAGE = "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    /** A tag neither seed holds: what the tests buy. */
    static final String NEW_TAG = "regid.2024-01.com.cisco.SYNC_TEST,1.0_0f0e0d0c-0b0a-4090-8070-605040302010";

    final Path dir;
    public final TestSatellite upstream;
    public final TestSatellite satellite;
    /** The upstream's database settings, for commands run on its dirs: empty on SQLite (its data dir has them). */
    private final List<String> upstreamDatabase;

    private SyncPair(Path dir, TestSatellite upstream, TestSatellite satellite, List<String> upstreamDatabase) {
        this.dir = dir;
        this.upstream = upstream;
        this.satellite = satellite;
        this.upstreamDatabase = upstreamDatabase;
    }

    /** Both servers on SQLite; the satellite in {@code mode} (connected or disconnected), with {@code extra} settings. */
    public static SyncPair start(Path dir, String mode, Object... extra) {
        return start(dir, TestDatabase.SQLITE, mode, extra);
    }

    /** Both servers, each on a database of its own of the given kind. */
    public static SyncPair start(Path dir, TestDatabase database, String mode, Object... extra) {
        Map<String, Object> upstreamFlags = database.flags(TestSatellite.flags("role", "cssm"));
        TestSatellite upstream = TestSatellite.start(dir.resolve("upstream"), Map.of(), upstreamFlags);
        try {
            TestSatellite.Client client = upstream.newClient("operator");
            Map<String, Object> flags = TestSatellite.flags("mode", mode,
                    "upstream.url", "https://localhost:" + upstream.server().port(),
                    "upstream.client_id", client.id(), "upstream.client_secret", client.secret(),
                    "upstream.trust", dir.resolve("upstream/certs/ca.pem").toString());
            flags.putAll(TestSatellite.flags(extra));
            TestSatellite satellite = TestSatellite.start(dir.resolve("satellite"), Map.of(), database.flags(flags));
            return new SyncPair(dir, upstream, satellite, configOption(dir.resolve("upstream-db.yaml"), upstreamFlags));
        } catch (RuntimeException | Error e) {
            upstream.close();
            throw e;
        }
    }

    /** {@code --config FILE} naming the database of {@code flags}, or nothing when they name none (SQLite). */
    private static List<String> configOption(Path file, Map<String, Object> flags) {
        if (!flags.containsKey("db.url")) {
            return List.of();
        }
        write(file, ("db:\n  url: \"" + flags.get("db.url") + "\"\n  user: \"" + flags.get("db.user") + "\"\n")
                .getBytes(StandardCharsets.UTF_8));
        return List.of("--config", file.toString());
    }

    /** A PKI neither server trusts, to sign genuine but unwelcome files with. */
    Pki strangerPki() {
        return Pki.loadOrCreate(dir.resolve("stranger/certs"), List.of(), Clock.systemUTC());
    }

    // ------------------------------------------------------------------------------------------ reads

    /** Tag to quantity of a virtual account's pools. */
    static Map<String, Long> pools(TestSatellite server, String va) {
        Response r = server.get(VAS + "/" + va.replace(" ", "%20") + "/licenses", server.adminToken());
        assertEquals(200, r.status(), r.toString());
        Map<String, Long> pools = new TreeMap<>();
        for (JsonNode l : r.json().get("licenses")) {
            pools.put(l.get("entitlementTag").asText(), l.get("quantity").asLong());
        }
        return pools;
    }

    /** Every virtual account's pools (whole license lists), and the list of virtual accounts. */
    static Map<String, String> licenses(TestSatellite server) {
        Map<String, String> state = new LinkedHashMap<>();
        JsonNode vas = server.get(VAS + "?limit=1000", server.adminToken()).json();
        state.put("virtual accounts", vas.toString());
        for (JsonNode va : vas.get("virtualAccounts")) {
            String name = va.get("name").asText();
            state.put(name, server.get(VAS + "/" + name.replace(" ", "%20") + "/licenses", server.adminToken()).body());
        }
        return state;
    }

    /** What a rejected sync must leave as it was: pools, virtual accounts and the applied sync state. */
    static Map<String, String> unchangedBySync(TestSatellite sat) {
        Map<String, String> state = licenses(sat);
        JsonNode sync = status(sat);
        state.put("lastSequenceApplied", sync.get("lastSequenceApplied").asText());
        state.put("lastSuccess", sync.get("lastSuccess").asText());
        return state;
    }

    static JsonNode status(TestSatellite sat) {
        Response r = sat.get(API + "/sync", sat.adminToken());
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** The newest event of a type in the account, or null. */
    static JsonNode lastEvent(TestSatellite server, String type) {
        JsonNode events = server.get(TestSatellite.ACCOUNT_PATH + "/events?type=" + type + "&limit=1",
                server.adminToken()).json().get("events");
        return events.isEmpty() ? null : events.get(0);
    }

    // ------------------------------------------------------------------------------------------ actions

    static Response purchase(TestSatellite server, String va, String tag, long quantity) {
        return server.post(VAS + "/" + va.replace(" ", "%20") + "/licenses", server.adminToken(),
                "{\"entitlementTag\":\"" + tag + "\",\"displayName\":\"Sync test\",\"quantity\":" + quantity
                        + ",\"licenseType\":\"PERPETUAL\",\"endDate\":null}");
    }

    Response syncNow() {
        return satellite.post(API + "/sync/now", satellite.adminToken(), "");
    }

    /** A new sync request, as downloaded. */
    public byte[] requestFile() {
        Response r = satellite.get(API + "/sync/request-file", satellite.adminToken());
        assertEquals(200, r.status(), r.toString());
        return r.body().getBytes(StandardCharsets.UTF_8);
    }

    /** The upstream server's answer to a request, through its API. */
    public Response processOnline(byte[] request) {
        return upstream.send("POST", API + "/satellite/sync", upstream.tokenForRole("operator"), "application/json",
                HttpRequest.BodyPublishers.ofByteArray(request));
    }

    /** The upstream server's response file for a request, through its API. */
    byte[] answered(byte[] request) {
        Response r = processOnline(request);
        assertEquals(200, r.status(), r.toString());
        return r.body().getBytes(StandardCharsets.UTF_8);
    }

    /** The satellite's answer to a response file uploaded as a browser does: the multipart part named {@code part}. */
    Response uploadMultipart(String part, byte[] content) {
        String boundary = "----SmartSatTestBoundary7MA4YWxkTrZu0gW";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part
                + "\"; filename=\"response.json\"\r\nContent-Type: application/json\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        byte[] body = new byte[head.length() + content.length + tail.length()];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, body, 0, head.length());
        System.arraycopy(content, 0, body, head.length(), content.length);
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, body, head.length() + content.length, tail.length());
        return satellite.send("POST", API + "/sync/response-file", satellite.adminToken(),
                "multipart/form-data; boundary=" + boundary, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** The satellite's answer to an uploaded response file (raw JSON body). */
    Response upload(byte[] response) {
        return satellite.send("POST", API + "/sync/response-file", satellite.adminToken(), "application/json",
                HttpRequest.BodyPublishers.ofByteArray(response));
    }

    /** What {@code smartsat cssm process-sync} printed and exited with. */
    record Cli(int exit, String out, String err) {}

    /** {@code cssm process-sync} on the upstream's dirs, also while its server runs on them. */
    Cli processByCommand(Path in, Path out) {
        List<String> args = new ArrayList<>(List.of("process-sync", "--in", in.toString(), "--out", out.toString(),
                "--data-dir", dir.resolve("upstream/data").toString(), "--certs-dir", dir.resolve("upstream/certs").toString()));
        args.addAll(upstreamDatabase);
        return cssm(args.toArray(String[]::new));
    }

    /** {@code smartsat cssm ARGS…} run in this JVM. */
    static Cli cssm(String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        String[] all = new String[args.length + 1];
        all[0] = "cssm";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cli.execute(all);
        return new Cli(exit, stdout.toString(), stderr.toString());
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            satellite.close();
        } finally {
            upstream.close();
        }
    }
}
