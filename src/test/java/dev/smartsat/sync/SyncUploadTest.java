package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static dev.smartsat.sync.SyncPair.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Await;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * The sync files' size and encoding on the wire (SPEC §8): bodies up to {@code sync.max_bytes} (here 2 MiB,
 * with management bodies held to 2 KiB), gzip by {@code Content-Encoding}, by the gzip magic, or inside a
 * multipart upload, and {@code GET /sync/request-file?gzip=true}.
 */
@OnEachDatabase
class SyncUploadTest {
    @Parameter
    TestDatabase database;

    static final int SYNC_MAX = 2 * 1024 * 1024;

    @TempDir
    static Path root;
    /** This run's own dir: the class runs once on each database. */
    static Path dir;
    static SyncPair pair;
    static HttpClient http;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        dir = root.resolve(database.name());
        pair = SyncPair.start(dir, database, "disconnected", "sync.max_bytes", SYNC_MAX, "server.max_body_bytes", 2048);
        http = HttpClient.newBuilder().sslContext(TestSatellite.trusting(dir.resolve("satellite/certs/ca.pem"))).build();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void aFileAboveTheManagementLimitButWithinSyncMaxBytesIsTakenThroughASpoolFile() throws InterruptedException {
        byte[] padded = padded(answered(), 3 * SYNC_MAX / 4); // past the 1 MiB kept in memory
        Answer a = upload(padded, "application/json", null);
        assertEquals(200, a.status(), a.toString());
        Await.until(() -> spoolFiles() == 0, "the spool file is deleted once the request is answered");
    }

    @Test
    void aFileAboveSyncMaxBytesIs413WhetherItsLengthIsDeclaredOrNot() {
        byte[] tooLarge = padded(answered(), SYNC_MAX + 1);
        Answer declared = upload(tooLarge, "application/json", null);
        assertError(declared, 413, "larger than " + SYNC_MAX);
        Answer chunked = send(request("/sync/response-file", "application/json", null)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooLarge))));
        assertError(chunked, 413, "larger than " + SYNC_MAX);
    }

    @Test
    void gzipIsTakenByContentEncodingByItsMagicAndInsideAMultipartUpload() {
        Answer encoded = upload(SyncFiles.gzip(text(answered())), "application/json", "gzip");
        assertEquals(200, encoded.status(), encoded.toString());
        Answer magic = upload(SyncFiles.gzip(text(answered())), "application/octet-stream", null);
        assertEquals(200, magic.status(), magic.toString());
        TestSatellite.Response multipart = pair.uploadMultipart("file", SyncFiles.gzip(text(answered())));
        assertEquals(200, multipart.status(), multipart.toString());
        JsonNode sync = status(pair.satellite);
        assertEquals(sync.get("lastSequenceIssued"), sync.get("lastSequenceApplied"));
    }

    @Test
    void aGzipBombIsStoppedAtSyncMaxBytesOnceDecompressed() {
        byte[] bomb = SyncFiles.gzip(text(padded(answered(), 4 * SYNC_MAX)));
        assertTrue(bomb.length < SYNC_MAX / 10, "the bomb itself is small: " + bomb.length);
        assertError(upload(bomb, "application/json", "gzip"), 413, "once decompressed");
        assertError(upload(bomb, "application/json", null), 413, "once decompressed");
    }

    @Test
    void whatIsNotGzipThoughSaidToBeAndAnUnknownEncodingAreRefused() {
        assertError(upload(answered(), "application/json", "gzip"), 400, "not valid gzip");
        assertError(upload(answered(), "application/json", "br"), 415, "Content-Encoding br");
        byte[] cut = SyncFiles.gzip(text(answered()));
        assertError(upload(Arrays.copyOf(cut, cut.length / 2), "application/json", null), 400, "cut short");
    }

    @Test
    void theUpstreamTakesAGzipRequestAndAnswersGzipWhenAskedAsTheConnectedClientDoes() throws IOException {
        HttpClient toUpstream = HttpClient.newBuilder()
                .sslContext(TestSatellite.trusting(dir.resolve("upstream/certs/ca.pem"))).build();
        HttpRequest post = HttpRequest.newBuilder(pair.upstream.uri(API + "/satellite/sync"))
                .header("Authorization", "Bearer " + pair.upstream.tokenForRole("operator"))
                .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                .header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(SyncFiles.gzip(text(pair.requestFile())))).build();
        HttpResponse<byte[]> answer;
        try {
            answer = toUpstream.send(post, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertEquals(200, answer.statusCode());
        assertEquals("gzip", answer.headers().firstValue("Content-Encoding").orElse(null));
        Answer uploaded = upload(answer.body(), "application/json", "gzip");
        assertEquals(200, uploaded.status(), uploaded.toString());
    }

    @Test
    void theRequestFileComesGzippedOnAskingAndMakesTheRoundTrip() throws IOException {
        Answer file = send(request("/sync/request-file?gzip=true", null, null).GET());
        assertEquals(200, file.status(), file.toString());
        assertEquals("application/gzip", file.header("Content-Type"));
        assertTrue(file.header("Content-Disposition").matches("attachment; filename=\"sync-request-.*\\.json\\.gz\""),
                file.header("Content-Disposition"));
        byte[] json;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(file.body()))) {
            json = in.readAllBytes();
        }
        long sequence = FileSyncTest.json(FileSyncTest.json(json).get("payload").asText().getBytes(StandardCharsets.UTF_8))
                .get("sequence").asLong();
        assertEquals(status(pair.satellite).get("lastSequenceIssued").asLong(), sequence);

        TestSatellite.Response answer = pair.upstream.send("POST", API + "/satellite/sync",
                pair.upstream.tokenForRole("operator"), "application/gzip", HttpRequest.BodyPublishers.ofByteArray(file.body()));
        assertEquals(200, answer.status(), answer.toString());
        assertEquals(200, pair.upload(answer.body().getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(sequence, status(pair.satellite).get("lastSequenceApplied").asLong());
    }

    @Test
    void aBadGzipParameterIs400AndIssuesNoSequence() {
        long issued = status(pair.satellite).get("lastSequenceIssued").asLong();
        for (String value : new String[] {"yes", "TRUE", ""}) {
            assertError(send(request("/sync/request-file?gzip=" + value, null, null).GET()), 400, "gzip must be true or false");
        }
        assertEquals(200, send(request("/sync/request-file?gzip=false", null, null).GET()).status());
        assertEquals(issued + 1, status(pair.satellite).get("lastSequenceIssued").asLong());
    }

    @Test
    void aViewerMayReadTheSyncStatusButNotIssueARequestFile() {
        long issued = status(pair.satellite).get("lastSequenceIssued").asLong();
        String viewer = pair.satellite.tokenForRole("viewer");
        TestSatellite.Response refused = pair.satellite.get(API + "/sync/request-file", viewer);
        assertEquals(403, refused.status(), refused.toString());
        assertEquals("ERROR", refused.json().get("status").asText());
        assertEquals(200, pair.satellite.get(API + "/sync", viewer).status());
        assertEquals(issued, status(pair.satellite).get("lastSequenceIssued").asLong(), "no sequence was issued");
    }

    // ----------------------------------------------------------------------------------------- helpers

    /** An HTTP answer as bytes, with its headers. */
    record Answer(int status, byte[] body, java.net.http.HttpHeaders headers) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            return FileSyncTest.json(body);
        }

        @Override
        public String toString() {
            return status + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A new response file for the satellite, from the upstream's endpoint. */
    static byte[] answered() {
        return pair.answered(pair.requestFile());
    }

    /** The file followed by spaces up to {@code size} bytes: still the same envelope, its signature intact. */
    static byte[] padded(byte[] file, int size) {
        byte[] out = Arrays.copyOf(file, size);
        Arrays.fill(out, file.length, size, (byte) ' ');
        return out;
    }

    static Answer upload(byte[] body, String contentType, String contentEncoding) {
        return send(request("/sync/response-file", contentType, contentEncoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    static HttpRequest.Builder request(String path, String contentType, String contentEncoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(pair.satellite.uri(API + path))
                .header("Authorization", "Bearer " + pair.satellite.adminToken());
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (contentEncoding != null) {
            b.header("Content-Encoding", contentEncoding);
        }
        return b;
    }

    static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void assertError(Answer a, int status, String words) {
        assertEquals(status, a.status(), a.toString());
        assertEquals("ERROR", a.json().get("status").asText(), a.toString());
        assertTrue(a.json().get("message").asText().contains(words), "expected '" + words + "' in " + a);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long spoolFiles() {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("smartsat-body-")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
