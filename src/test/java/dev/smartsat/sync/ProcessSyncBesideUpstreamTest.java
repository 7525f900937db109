package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.cli.CssmCommand;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.DataDirLock;
import dev.smartsat.store.Store;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * {@code smartsat cssm process-sync} run on the data and certs dirs of an upstream server that is running
 * (SPEC §8): what the command writes — a satellite's pinned certificate, its sequence — the server sees at its
 * next request, a pin the server made the command keeps, and a database the command would have to migrate
 * under the server is left alone. The command runs in this JVM, where the server holds the data dir's lock.
 */
@OnEachDatabase
class ProcessSyncBesideUpstreamTest {
    @Parameter
    TestDatabase database;

    @TempDir
    static Path root;
    /** This run's own dir: the class runs once on each database. */
    static Path dir;
    static SyncPair pair;
    static Pki strangerPki;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        dir = root.resolve(database.name());
        pair = SyncPair.start(dir, database, "disconnected");
        strangerPki = pair.strangerPki();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aSatellitePinnedByTheCommandIsSeenByTheRunningServer() {
        String satelliteId = UUID.randomUUID().toString();
        byte[] request = asNewSatellite(pair.requestFile(), satelliteId, pair.satellite.server().pki());
        long sequence = FileSyncTest.json(FileSyncTest.json(request).get("payload").asText().getBytes(StandardCharsets.UTF_8)).get("sequence")
                .asLong();

        SyncPair.Cli cli = pair.processByCommand(SyncPair.write(dir.resolve("pin.json"), request), dir.resolve("pin-out.json"));
        assertEquals(0, cli.exit(), cli.toString());

        JsonNode seen = satellite(satelliteId);
        assertEquals(sequence, seen.get("lastSequence").asLong(), seen.toString());
        Response impostor = pair.processOnline(asNewSatellite(request, satelliteId, strangerPki));
        assertEquals(403, impostor.status(), impostor.toString());
        assertTrue(impostor.json().get("message").asText().contains("another signing certificate"), impostor.toString());
        assertEquals(200, pair.processOnline(request).status(), "the pinned certificate itself is still welcome");
    }

    @Test
    void aCertificateOtherThanThePinnedOneMakesTheCommandExitNonZeroSayingWhy() {
        String satelliteId = UUID.randomUUID().toString();
        byte[] request = asNewSatellite(pair.requestFile(), satelliteId, pair.satellite.server().pki());
        assertEquals(200, pair.processOnline(request).status());
        JsonNode before = satellite(satelliteId);

        Path out = dir.resolve("refused.json");
        SyncPair.Cli cli = pair.processByCommand(SyncPair.write(dir.resolve("impostor.json"),
                asNewSatellite(request, satelliteId, strangerPki)), out);
        assertEquals(CssmCommand.REFUSED, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("refused (403)") && cli.err().contains("another signing certificate"), cli.err());
        assertFalse(out.toFile().exists());
        assertEquals(before, satellite(satelliteId), "a refused request changes nothing upstream");
    }

    @Test
    void aGzipRequestGetsAGzipResponseTheSatelliteTakesAsItIs() throws IOException {
        Path in = SyncPair.write(dir.resolve("request.json.gz"), SyncFiles.gzip(new String(pair.requestFile(),
                StandardCharsets.UTF_8)));
        Path out = dir.resolve("response.json.gz");
        SyncPair.Cli cli = pair.processByCommand(in, out);
        assertEquals(0, cli.exit(), cli.toString());
        assertTrue(cli.out().contains("(gzip)"), cli.out());
        byte[] gzip = SyncPair.read(out);
        assertArrayEquals(new byte[] {0x1f, (byte) 0x8b}, new byte[] {gzip[0], gzip[1]});
        try (GZIPInputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            assertEquals("SYNC_RESPONSE", FileSyncTest.json(FileSyncTest.json(unzipped.readAllBytes()).get("payload")
                    .asText().getBytes(StandardCharsets.UTF_8)).get("type").asText());
        }
        Response uploaded = pair.upload(gzip);
        assertEquals(200, uploaded.status(), uploaded.toString());

        Path plainIn = SyncPair.write(dir.resolve("plain.json"), pair.requestFile());
        SyncPair.Cli named = pair.processByCommand(plainIn, dir.resolve("named.gz"));
        assertEquals(0, named.exit(), named.toString());
        assertEquals(0x1f, SyncPair.read(dir.resolve("named.gz"))[0], "an --out ending in .gz is written gzipped");
    }

    @Test
    void aDatabaseTheCommandWouldHaveToMigrateUnderARunningServerIsLeftAlone() throws SQLException {
        Path data = dir.resolve("other-schema/data");
        Map<String, Object> flags = database.flags();
        String url = (String) flags.getOrDefault("db.url", "jdbc:sqlite:" + data.resolve("smartsat.db"));
        Store.open(url, (String) flags.get("db.user"), null, 5000).close();
        Path request = SyncPair.write(dir.resolve("any.json"), pair.requestFile());
        try (DataDirLock server = DataDirLock.acquire(data)) {
            // the newest migration forgotten: the database is one version behind this build
            String newest = "(SELECT MAX(installed_rank) FROM flyway_schema_history)";
            long ranks = count(url, "SELECT COUNT(*) FROM flyway_schema_history");
            sql(url, "DELETE FROM flyway_schema_history WHERE installed_rank = " + newest);
            SyncPair.Cli behind = processOn(data, flags, request);
            assertEquals(CssmCommand.CANNOT_RUN, behind.exit(), behind.toString());
            assertTrue(behind.err().contains("would have to migrate"), behind.err());
            assertEquals(ranks - 1, count(url, "SELECT COUNT(*) FROM flyway_schema_history"), "not migrated");

            sql(url, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, execution_time, success) VALUES (99, '99', 'later', 'SQL', 'V99__later.sql', 0, 'x', 0,"
                    + " TRUE)");
            SyncPair.Cli ahead = processOn(data, flags, request);
            assertEquals(CssmCommand.CANNOT_RUN, ahead.exit(), ahead.toString());
            assertTrue(ahead.err().contains("is older than"), ahead.err());
        }
    }

    // ----------------------------------------------------------------------------------------- helpers

    /** process-sync on {@code data}, on the database {@code flags} name (none: the data dir's SQLite file). */
    private static SyncPair.Cli processOn(Path data, Map<String, Object> flags, Path request) {
        List<String> args = new ArrayList<>(List.of("process-sync", "--in", request.toString(), "--out",
                dir.resolve("never.json").toString(), "--data-dir", data.toString(), "--certs-dir",
                dir.resolve("upstream/certs").toString()));
        if (flags.containsKey("db.url")) {
            Path config = SyncPair.write(dir.resolve("other-schema.yaml"), ("db:\n  url: \"" + flags.get("db.url")
                    + "\"\n").getBytes(StandardCharsets.UTF_8));
            args.addAll(List.of("--config", config.toString()));
        }
        return SyncPair.cssm(args.toArray(String[]::new));
    }

    /** The request as a satellite the upstream has not heard from would send it, signed with {@code pki}. */
    private static byte[] asNewSatellite(byte[] request, String satelliteId, Pki pki) {
        return FileSyncTest.resigned(request, pki, p -> p.put("satelliteId", satelliteId));
    }

    private static JsonNode satellite(String satelliteId) {
        Response r = pair.upstream.get(API + "/satellites?limit=1000", pair.upstream.adminToken());
        assertEquals(200, r.status(), r.toString());
        for (JsonNode s : r.json().get("satellites")) {
            if (s.get("satelliteId").asText().equals(satelliteId)) {
                return s;
            }
        }
        throw new AssertionError("the upstream does not list satellite " + satelliteId + ": " + r);
    }

    private static void sql(String url, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    private static long count(String url, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            ResultSet rows = s.executeQuery(query);
            rows.next();
            return rows.getLong(1);
        }
    }
}
