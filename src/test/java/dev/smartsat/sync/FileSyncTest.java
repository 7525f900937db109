package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static dev.smartsat.sync.SyncPair.NEW_TAG;
import static dev.smartsat.sync.SyncPair.VAS;
import static dev.smartsat.sync.SyncPair.lastEvent;
import static dev.smartsat.sync.SyncPair.licenses;
import static dev.smartsat.sync.SyncPair.pools;
import static dev.smartsat.sync.SyncPair.purchase;
import static dev.smartsat.sync.SyncPair.status;
import static dev.smartsat.sync.SyncPair.unchangedBySync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.cli.CssmCommand;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import dev.smartsat.transport.Envelope;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * Disconnected mode end to end (SPEC §8, issue #5): request files downloaded from the satellite, turned
 * into responses by {@code smartsat cssm process-sync} (or the upstream's endpoint) and uploaded back.
 * Every rejection is checked to leave the satellite's pools, virtual accounts and applied state as they were.
 */
@OnEachDatabase
class FileSyncTest {
    @Parameter
    TestDatabase database;

    @TempDir
    static Path root;
    /** This run's own dir: the class runs once on each database. */
    static Path dir;
    static SyncPair pair;
    /** The upstream's own PKI, to sign forged but genuinely signed responses; and a stranger's. */
    static Pki upstreamPki;
    static Pki strangerPki;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        dir = root.resolve(database.name());
        pair = SyncPair.start(dir, database, "disconnected");
        upstreamPki = Pki.loadOrCreate(dir.resolve("upstream/certs"), List.of(), Clock.systemUTC());
        strangerPki = pair.strangerPki();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theFileRoundTripThroughTheCommandLineGivesTheSatelliteTheUpstreamsPools() {
        assertEquals(201, pair.upstream.post(VAS, pair.upstream.adminToken(), "{\"name\":\"Carried\"}").status());
        assertEquals(201, purchase(pair.upstream, "Carried", NEW_TAG, 9).status());
        assertEquals(201, purchase(pair.upstream, "Default", NEW_TAG, 11).status());
        Path request = SyncPair.write(dir.resolve("request.json"), pair.requestFile());
        Path response = dir.resolve("out/response.json");

        // Beside the running upstream server, on its data dir (SPEC §8).
        SyncPair.Cli cli = pair.processByCommand(request, response);
        assertEquals(0, cli.exit(), cli.toString());
        assertTrue(cli.out().contains("written to"), cli.out());

        Response uploaded = pair.upload(SyncPair.read(response));
        assertEquals(200, uploaded.status(), uploaded.toString());
        JsonNode vas = pair.upstream.get(VAS + "?limit=1000", pair.upstream.adminToken()).json().get("virtualAccounts");
        for (JsonNode va : vas) {
            String name = va.get("name").asText();
            assertEquals(pools(pair.upstream, name), pools(pair.satellite, name), name);
        }
        assertEquals(Map.of(NEW_TAG, 9L), pools(pair.satellite, "Carried"));
        JsonNode status = uploaded.json();
        assertEquals(status.get("lastSequenceIssued").asLong(), status.get("lastSequenceApplied").asLong());
        assertTrue(lastEvent(pair.satellite, "SYNC_COMPLETED").get("message").asText().contains("by file"));
    }

    @Test
    void theResponseAppliedLastCanBeImportedAgainAndChangesNothing() {
        byte[] response = answered(pair.requestFile());
        assertEquals(200, pair.upload(response).status());
        Map<String, String> before = unchangedBySync(pair.satellite);
        JsonNode statusBefore = status(pair.satellite);
        String completed = lastEvent(pair.satellite, "SYNC_COMPLETED").toString();

        Response again = pair.upload(response);
        assertEquals(200, again.status(), again.toString());
        assertEquals(before, unchangedBySync(pair.satellite));
        assertEquals(statusBefore, status(pair.satellite), "not even recorded as a sync");
        assertEquals(completed, lastEvent(pair.satellite, "SYNC_COMPLETED").toString());
    }

    @Test
    void aLocalTransferIsAppliedUpstreamOnceThoughItsRequestIsProcessedTwiceAndItsResponseLost() {
        assertEquals(200, pair.upload(answered(pair.requestFile())).status());
        Map<String, Long> defaultBefore = pools(pair.upstream, "Default");
        Map<String, Long> labBefore = pools(pair.upstream, "Lab");
        Response moved = pair.satellite.post(VAS + "/Default/licenses/transfer", pair.satellite.adminToken(),
                "{\"licenses\":[{\"entitlementTag\":\"" + SyncPair.NETWORK_ADVANTAGE + "\",\"quantity\":2,"
                        + "\"targetVirtualAccount\":\"Lab\"}]}");
        assertEquals(200, moved.status(), moved.toString());

        byte[] request = pair.requestFile();
        answered(request);
        answered(request); // processed twice
        byte[] lost = answered(pair.requestFile()); // carries the transfer again: its first response never arrived
        assertEquals(defaultBefore.get(SyncPair.NETWORK_ADVANTAGE) - 2,
                pools(pair.upstream, "Default").get(SyncPair.NETWORK_ADVANTAGE));
        assertEquals(labBefore.get(SyncPair.NETWORK_ADVANTAGE) + 2,
                pools(pair.upstream, "Lab").get(SyncPair.NETWORK_ADVANTAGE));

        assertEquals(200, pair.upload(lost).status());
        assertEquals(pools(pair.upstream, "Default"), pools(pair.satellite, "Default"));
        assertEquals(pools(pair.upstream, "Lab"), pools(pair.satellite, "Lab"));
        String next = json(pair.requestFile()).get("payload").asText();
        assertTrue(json(next.getBytes(StandardCharsets.UTF_8)).get("transfers").isEmpty(),
                "an acknowledged transfer does not travel again: " + next);
    }

    @Test
    void aTamperedResponseIsRejected() {
        byte[] response = answered(pair.requestFile());
        ObjectNode envelope = (ObjectNode) json(response);
        String payload = envelope.get("payload").asText();
        envelope.put("payload", payload.replaceFirst("\"quantity\":(\\d+)", "\"quantity\":99999"));
        assertFalse(payload.equals(envelope.get("payload").asText()), "the test did change the payload");

        assertRejected(bytes(envelope), 422, "signature does not verify");
    }

    @Test
    void aResponseForAnotherSatelliteIsRejected() {
        byte[] response = resigned(answered(pair.requestFile()), upstreamPki,
                p -> p.put("satelliteId", "00000000-1111-4222-8333-444444444444"));
        assertRejected(response, 422, "not for this one");
    }

    @Test
    void aResponseOlderThanTheLastAppliedIsRejectedWith409() {
        byte[] older = answered(pair.requestFile());
        byte[] newer = answered(pair.requestFile());
        assertEquals(200, pair.upload(newer).status());
        assertRejected(older, 409, "stale");
    }

    @Test
    void aResponseToARequestNeverIssuedIsRejectedWith409() {
        byte[] response = answered(pair.requestFile());
        long issued = status(pair.satellite).get("lastSequenceIssued").asLong();
        assertRejected(resigned(response, upstreamPki, p -> p.put("sequence", issued + 5)), 409, "never issued");
    }

    @Test
    void aRequestFileUploadedWhereAResponseBelongsIsRejected() {
        assertRejected(pair.requestFile(), 422, "this is a sync request");
    }

    @Test
    void aResponseFromAnUpstreamThisSatelliteDoesNotTrustIsRejected() {
        byte[] response = resigned(answered(pair.requestFile()), strangerPki, p -> { });
        assertRejected(response, 422, "does not chain");
    }

    @Test
    void whatIsNotASyncResponseAtAllIsRejectedNamingWhatIsWrong() {
        assertRejected("hello".getBytes(StandardCharsets.UTF_8), 400, "not a sync file");
        assertRejected("{}".getBytes(StandardCharsets.UTF_8), 400, "not a sync file");
        byte[] valid = answered(pair.requestFile());
        assertRejected(resigned(valid, upstreamPki, p -> p.put("sequence", "seven")), 422, "sequence");
        assertRejected(resigned(valid, upstreamPki, p -> p.put("sequence", 1.5)), 422, "sequence");
        assertRejected(resigned(valid, upstreamPki, p -> p.put("createdAt", "yesterday")), 422, "createdAt");
        assertRejected(resigned(valid, upstreamPki, p -> p.remove("virtualAccounts")), 422, "virtualAccounts");
        assertRejected(resigned(valid, upstreamPki, p -> ((ObjectNode) p.get("virtualAccounts").get(0).get("licenses")
                .get(0)).put("quantity", -1)), 422, "virtualAccounts[0].licenses[0].quantity");
        assertRejected(resigned(valid, upstreamPki, p -> ((ObjectNode) p.get("virtualAccounts").get(0))
                .put("name", "a/b")), 422, "virtualAccounts[0].name");
    }

    @Test
    void aBrowserUploadsTheFileAsTheMultipartPartNamedFile() {
        byte[] response = answered(pair.requestFile());
        Response missing = pair.uploadMultipart("other", response);
        assertEquals(400, missing.status(), missing.toString());
        Response uploaded = pair.uploadMultipart("file", response);
        assertEquals(200, uploaded.status(), uploaded.toString());
        assertEquals(uploaded.json().get("lastSequenceIssued"), uploaded.json().get("lastSequenceApplied"));
    }

    @Test
    void theUpstreamPinsEachSatellitesCertificate() {
        byte[] request = pair.requestFile();
        assertEquals(200, pair.processOnline(request).status());
        byte[] impostor = resigned(request, strangerPki, p -> { });

        Response refused = pair.processOnline(impostor);
        assertEquals(403, refused.status(), refused.toString());
        assertTrue(refused.json().get("message").asText().contains("another signing certificate"), refused.toString());

        SyncPair.Cli cli = pair.processByCommand(SyncPair.write(dir.resolve("impostor.json"), impostor),
                dir.resolve("never.json"));
        assertEquals(CssmCommand.REFUSED, cli.exit(), cli.toString());
        assertTrue(cli.err().contains("another signing certificate"), cli.err());
        assertFalse(dir.resolve("never.json").toFile().exists());
    }

    @Test
    void theUpstreamRefusesWhatIsNotASyncRequest() {
        byte[] response = answered(pair.requestFile());
        Response notRequest = pair.processOnline(response);
        assertEquals(422, notRequest.status(), notRequest.toString());
        assertTrue(notRequest.body().contains("this is a sync response"), notRequest.body());
        assertEquals(400, pair.processOnline("nonsense".getBytes(StandardCharsets.UTF_8)).status());
        Response otherAccount = pair.processOnline(resigned(pair.requestFile(), pair.satellite.server().pki(),
                p -> p.put("smartAccount", "Nobody Inc")));
        assertEquals(422, otherAccount.status(), otherAccount.toString());
        Response text = pair.upstream.send("POST", API + "/satellite/sync", pair.upstream.tokenForRole("operator"),
                "text/plain", HttpRequest.BodyPublishers.ofByteArray(pair.requestFile()));
        assertEquals(415, text.status(), text.toString());
        Response viewer = pair.upstream.send("POST", API + "/satellite/sync", pair.upstream.tokenForRole("viewer"),
                "application/json", HttpRequest.BodyPublishers.ofByteArray(pair.requestFile()));
        assertEquals(403, viewer.status(), viewer.toString());
    }

    @Test
    void eachRoleAnswers409ForTheOtherRolesRoutes() {
        String admin = pair.upstream.adminToken();
        for (String path : List.of("/sync", "/sync/request-file")) {
            Response r = pair.upstream.get(API + path, admin);
            assertEquals(409, r.status(), path + " " + r);
            assertTrue(r.json().get("message").asText().contains("upstream"), r.toString());
        }
        assertEquals(409, pair.upstream.post(API + "/sync/now", admin, "").status());
        assertEquals(409, pair.upstream.post(API + "/sync/response-file", admin, "{}").status());
        assertEquals(409, pair.satellite.get(API + "/satellites", pair.satellite.adminToken()).status());
        Response now = pair.syncNow();
        assertEquals(409, now.status(), now.toString());
        assertTrue(now.json().get("message").asText().contains("disconnected"), now.toString());
        Response bought = purchase(pair.satellite, "Default", NEW_TAG, 1);
        assertEquals(409, bought.status(), bought.toString());
    }

    // ----------------------------------------------------------------------------------------- helpers

    /** The upstream server's response to a request. */
    static byte[] answered(byte[] request) {
        return pair.answered(request);
    }

    /** Uploading {@code file} is refused with {@code status} and a message holding {@code words}, and changes nothing. */
    static void assertRejected(byte[] file, int status, String words) {
        Map<String, String> before = unchangedBySync(pair.satellite);
        Response r = pair.upload(file);
        assertEquals(status, r.status(), r.toString());
        assertEquals("ERROR", r.json().get("status").asText());
        assertTrue(r.json().get("message").asText().contains(words), "expected '" + words + "' in " + r);
        assertEquals(before, unchangedBySync(pair.satellite), "a rejected file changed the satellite");
        JsonNode sync = status(pair.satellite);
        assertTrue(sync.get("lastFailureReason").asText().contains(words), sync.toString());
        assertTrue(lastEvent(pair.satellite, "SYNC_FAILED").get("message").asText().contains(words));
    }

    /** A file's payload edited and signed again, with {@code pki}'s signing key and certificate. */
    static byte[] resigned(byte[] file, Pki pki, Consumer<ObjectNode> edit) {
        ObjectNode payload = (ObjectNode) json(json(file).get("payload").asText().getBytes(StandardCharsets.UTF_8));
        edit.accept(payload);
        return Envelope.sign(payload.toString(), pki.signingKey(), pki.signingKeyId(), PemFiles.toPem(pki.signingCert()))
                .toJson().getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode json(byte[] bytes) {
        try {
            return TestSatellite.JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
