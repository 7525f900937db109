package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.API;
import static dev.smartsat.sync.SyncPair.NETWORK_ADVANTAGE;
import static dev.smartsat.sync.SyncPair.VAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.Await;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.store.SeededFleet;
import dev.smartsat.store.TestSql;
import dev.smartsat.transport.Envelope;
import dev.smartsat.transport.TestDevice;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync request file as docs/sync.md describes it: its download, envelope, sequence and every field. */
class SyncRequestFileTest {
    @Test
    void theRequestFileCarriesInstancesUsageReservationsAndTransfers(@TempDir Path dir) throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String admin = sat.adminToken();
            TestDevice device = new TestDevice(sat, "C9300-24UX", "REQFILE01");
            assertEquals("OK", device.register(sat.createToken("Default", "{}")).status());
            assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 2L)).status());
            assertEquals(200, sat.post(VAS + "/Default/licenses/transfer", admin, "{\"licenses\":[{\"entitlementTag\":\""
                    + NETWORK_ADVANTAGE + "\",\"quantity\":1,\"targetVirtualAccount\":\"Lab\"}]}").status());
            String reserved = insertReservation(sat);

            Response first = sat.get(API + "/sync/request-file", admin);
            Response second = sat.get(API + "/sync/request-file", admin);
            assertEquals(200, second.status(), second.toString());
            assertTrue(second.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            String disposition = second.headers().firstValue("Content-Disposition").orElse("");
            assertTrue(disposition.matches("attachment; filename=\"sync-request-[0-9a-f]{8}-2\\.json\""), disposition);

            Envelope envelope = Envelope.parse(second.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(PemFiles.toPem(sat.server().pki().signingCert()), envelope.signature().certificate());
            assertTrue(envelope.verify(sat.server().pki().signingCert().getPublicKey()));
            JsonNode request = envelope.payloadJson();
            assertEquals(Set.of("type", "version", "satelliteId", "sequence", "smartAccount", "createdAt",
                    "virtualAccounts", "transfers"), fields(request));
            assertEquals("SYNC_REQUEST", request.get("type").asText());
            assertEquals(2, request.get("sequence").asLong(), "every download takes the next sequence");
            assertEquals(1, TestSatellite.JSON.readTree(Envelope.parse(first.body().getBytes(StandardCharsets.UTF_8))
                    .payload()).get("sequence").asLong());
            JsonNode status = sat.get(API + "/sync", admin).json();
            assertEquals(request.get("satelliteId").asText(), status.get("satelliteId").asText());
            assertEquals(2, status.get("lastSequenceIssued").asLong());
            assertEquals(0, status.get("lastSequenceApplied").asLong());
            assertEquals("Example Corp", request.get("smartAccount").asText());

            JsonNode defaultVa = named(request.get("virtualAccounts"), "name", "Default");
            assertEquals(Set.of("name", "description", "instances", "usage", "reservations"), fields(defaultVa));
            JsonNode instance = named(defaultVa.get("instances"), "productInstanceIdentifier", device.piid);
            assertEquals(Set.of("productInstanceIdentifier", "udiPid", "udiSerialNumber", "hostName", "registrationDate",
                    "lastContactDate", "registrationStatus", "authorizationStatus", "licenseUsage"), fields(instance));
            assertEquals("REGISTERED", instance.get("registrationStatus").asText());
            assertEquals(2, instance.get("licenseUsage").get(0).get("quantity").asLong());
            JsonNode usage = named(defaultVa.get("usage"), "entitlementTag", NETWORK_ADVANTAGE);
            assertEquals(2, usage.get("inUse").asLong());
            JsonNode reservation = named(defaultVa.get("reservations"), "productInstanceIdentifier", reserved);
            assertEquals("RESERVED", reservation.get("status").asText());
            assertEquals(3, reservation.get("licenses").get(0).get("quantity").asLong());
            assertTrue(named(defaultVa.get("instances"), "productInstanceIdentifier", reserved) == null,
                    "a reservation is not listed as a registered instance");

            JsonNode transfer = request.get("transfers").get(0);
            assertEquals(Set.of("id", "time", "fromVirtualAccount", "toVirtualAccount", "entitlementTag", "quantity"),
                    fields(transfer));
            assertEquals("Default", transfer.get("fromVirtualAccount").asText());
            assertEquals("Lab", transfer.get("toVirtualAccount").asText());
            assertEquals(1, transfer.get("quantity").asLong());
        }
    }

    /**
     * The file is written to disk as the store is read and sent from there, gzipped on asking: the gzipped file is
     * the plain one gzipped (but for the next sequence and its time), its length is announced, its signature holds
     * over a payload with quotes, backslashes, control characters and non-ASCII letters, and no file is left behind.
     */
    @Test
    void theGzippedFileIsThePlainOneGzippedAndNothingIsLeftBehind(@TempDir Path dir) throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = requestFiles(tmp);
        try (TestSatellite sat = TestSatellite.start(dir)) {
            String admin = sat.adminToken();
            SeededFleet.insert(sat, 300);
            String hostname = "h\u00e9\u00df \"quoted\" back\\slash\ttab\nline\u0001";
            sat.server().store().write(tx -> TestSql.of(tx).execute("UPDATE product_instance SET hostname = ?"
                    + " WHERE udi_serial = ?", hostname, SeededFleet.serial(7)));
            HttpClient http = HttpClient.newBuilder().sslContext(TestSatellite.trusting(dir.resolve("certs/ca.pem")))
                    .build();
            HttpResponse<byte[]> plain = download(http, sat, admin, "");
            HttpResponse<byte[]> gzip = download(http, sat, admin, "?gzip=true");
            for (HttpResponse<byte[]> file : List.of(plain, gzip)) {
                assertEquals(200, file.statusCode());
                assertEquals(String.valueOf(file.body().length), file.headers().firstValue("Content-Length").orElse(""));
                assertTrue(file.headers().firstValue("Content-Encoding").isEmpty(), file.headers().toString());
            }
            byte[] unzipped;
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
                unzipped = in.readAllBytes();
            }
            Envelope plainEnvelope = Envelope.parse(plain.body());
            Envelope gzipEnvelope = Envelope.parse(unzipped);
            for (Envelope envelope : List.of(plainEnvelope, gzipEnvelope)) {
                assertTrue(envelope.verify(sat.server().pki().signingCert().getPublicKey()));
            }
            ObjectNode first = (ObjectNode) plainEnvelope.payloadJson();
            ObjectNode second = (ObjectNode) gzipEnvelope.payloadJson();
            assertEquals(first.get("sequence").asLong() + 1, second.get("sequence").asLong());
            for (ObjectNode payload : List.of(first, second)) {
                payload.remove(List.of("sequence", "createdAt"));
            }
            assertEquals(first, second);
            JsonNode instances = named(first.get("virtualAccounts"), "name", "Default").get("instances");
            assertEquals(300, instances.size());
            assertEquals(hostname, named(instances, "udiSerialNumber", SeededFleet.serial(7)).get("hostName").asText());
            assertEquals(SeededFleet.NETWORK_ADVANTAGE, instances.get(0).get("licenseUsage").get(0).get("entitlementTag")
                    .asText());
        }
        // The tests run in two JVMs sharing the temporary directory, and the other may be sending a request file of
        // its own right now: that one is gone within moments, a leaked one never.
        Await.until(() -> leftBehind(tmp, before).isEmpty(), "the temporary request files are deleted once sent");
    }

    /** A browser's download: it would take gzip on the wire, but the file comes as it is, at its announced length. */
    private static HttpResponse<byte[]> download(HttpClient http, TestSatellite sat, String token, String query)
            throws Exception {
        return http.send(HttpRequest.newBuilder(sat.uri(API + "/sync/request-file" + query))
                .header("Authorization", "Bearer " + token).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The request files in {@code dir} that were not there {@code before}. */
    private static Set<Path> leftBehind(Path dir, Set<Path> before) {
        try {
            Set<Path> left = new TreeSet<>(requestFiles(dir));
            left.removeAll(before);
            return left;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<Path> requestFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("smartsat-sync-request-"))
                    .collect(Collectors.toSet());
        }
    }

    /** A reservation as the V4 tables hold one; the reservation workflow itself is not this test's business. */
    static String insertReservation(TestSatellite sat) {
        String piid = "0e6f0c49-7f4b-4b8a-9d55-5a0e2b7c1d01";
        long now = sat.server().clock().millis();
        sat.server().store().write(tx -> {
            long va = TestSql.of(tx).createQuery("SELECT id FROM virtual_account WHERE name = 'Default'").mapTo(Long.class).one();
            TestSql.of(tx).execute("INSERT INTO product_instance (id, piid, virtual_account_id, udi_pid, udi_serial, export_controlled,"
                    + " registered_at, last_contact_at, cert_serial, cert_public_key, cert_issued_at,"
                    + " registration_expires_at, reservation_status) VALUES (900001, ?, ?, 'C9300-48P', 'RESV0001', 0,"
                    + " ?, ?, '', '', ?, 253402214400000, 'RESERVED')", piid, va, now, now, now);
            TestSql.of(tx).execute("INSERT INTO reservation_entitlement (instance_id, virtual_account_id, entitlement_tag, count)"
                    + " VALUES (900001, ?, ?, 3)", va, NETWORK_ADVANTAGE);
            return null;
        });
        return piid;
    }

    static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static JsonNode named(JsonNode array, String field, String value) {
        assertNotNull(array);
        for (JsonNode item : array) {
            if (item.get(field).asText().equals(value)) {
                return item;
            }
        }
        return null;
    }
}
