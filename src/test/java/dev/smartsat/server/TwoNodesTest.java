package dev.smartsat.server;

import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.Await;
import dev.smartsat.TestSatellite;
import dev.smartsat.transport.MessageType;
import dev.smartsat.transport.TestDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * SPEC §10 with two real servers on one database: each node has its own data dir and port and a copy of the first
 * node's certs dir. Caches are never trusted past the database: what one node changed, the other answers for at
 * once (the clock and faults within their poll). It runs on PostgreSQL, the database SPEC §10 shares, and on one
 * SQLite file, which the store allows beside a second server in another data dir.
 */
@OnEachDatabase
class TwoNodesTest {
    @Parameter
    TestDatabase database;

    private static final String API = "/backend/api/v1";
    private static final String LAB = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab";

    @TempDir
    static Path dir;
    static TestSatellite a;
    static TestSatellite b;
    static String adminOnA;
    static String adminOnB;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) throws IOException {
        Path home = dir.resolve(database.name());
        Map<String, Object> flags = new HashMap<>();
        if (database == TestDatabase.POSTGRESQL) {
            flags.put("db.url", TestDatabase.newPostgresDatabase());
            flags.put("db.user", TestDatabase.PG_USER);
        } else {
            flags.put("db.url", "jdbc:sqlite:" + home.resolve("shared.db"));
        }
        a = TestSatellite.start(home.resolve("a"), Map.of(), flags);
        copy(home.resolve("a/certs"), home.resolve("b/certs"));
        b = TestSatellite.start(home.resolve("b"), Map.of(), flags);
        Map<String, String> admin = a.adminCredentials();  // written by node A, which created the admin
        adminOnA = a.adminToken();
        adminOnB = b.token(admin.get("client_id"), admin.get("client_secret"));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** The same device talking to node {@code sat}: its key, instance and certificate, another connection. */
    private static TestDevice on(TestSatellite sat, TestDevice device) {
        TestDevice same = new TestDevice(sat, device.pid, device.serial);
        same.key = device.key;
        same.piid = device.piid;
        same.certSerial = device.certSerial;
        same.certificate = device.certificate;
        return same;
    }

    @Test
    void aBearerTokenWorksOnBothNodesUntilItsClientIsRemovedOnEither() {
        TestSatellite.Client ci = a.newClient("operator");
        String token = a.token(ci.id(), ci.secret());
        assertEquals(200, a.get(API + "/clients", adminOnA).status());
        assertEquals(200, b.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts", token).status(), "issued on A");
        assertEquals(200, a.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts", token).status());

        assertEquals(204, b.delete(API + "/clients/" + ci.id(), adminOnB).status());
        assertEquals(401, a.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts", token).status(),
                "refused on A at once, where it was used a moment ago");
    }

    @Test
    void aDeviceRemovedOnOneNodeIsUnknownOnTheOther() {
        TestDevice device = new TestDevice(a, "C9300-24UX", "TWONODE01");
        assertEquals("OK", device.register(a.createToken("Lab", "{}")).status());
        assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status(), "A now remembers its key");
        assertEquals("OK", on(b, device).authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status(), "B answers for it too");

        assertEquals(204, b.delete(LAB + "/devices/" + device.piid, adminOnB).status());
        assertEquals("INSTANCE_UNKNOWN", device.authorize(Map.of(NETWORK_ADVANTAGE, 1L)).code(),
                "A's remembered key does not keep a removed instance alive");
    }

    @Test
    void aCertificateReplacedOnOneNodeIsRevokedOnTheOther() {
        TestDevice device = new TestDevice(a, "C9300-24UX", "TWONODE02");
        assertEquals("OK", device.register(a.createToken("Lab", "{}")).status());
        assertEquals("OK", device.hello().status(), "A now remembers the first certificate's key");
        TestDevice onB = on(b, device);
        assertEquals("OK", onB.renewWithNewKey().status());

        assertEquals("CERT_REVOKED", device.hello().code(), "A refuses the certificate B replaced");
        assertEquals("OK", on(a, onB).hello().status(), "and takes the new one");
    }

    @Test
    void aRegistrationTokenRevokedOnOneNodeIsRefusedOnTheOther() {
        String token = a.createToken("Lab", "{}");
        assertEquals("OK", new TestDevice(a, "C9300-24UX", "TWONODE05").register(token).status(),
                "A now remembers whom the token registers into");
        assertEquals(200, b.post(LAB + "/tokens/" + token + "/revoke", adminOnB, "{}").status());
        assertEquals("TOKEN_REVOKED", new TestDevice(a, "C9300-24UX", "TWONODE06").register(token).code());
    }

    @Test
    void aNonceUsedOnOneNodeIsAReplayOnTheOther() {
        TestDevice device = new TestDevice(a, "C9300-24UX", "TWONODE03");
        assertEquals("OK", device.register(a.createToken("Lab", "{}")).status());
        ObjectNode hello = device.payload(MessageType.HELLO);
        assertEquals("OK", device.send(hello).status());
        assertEquals("REPLAYED_NONCE", on(b, device).send(hello).code());
    }

    @Test
    void theClockMovedOnOneNodeMovesOnTheOther() throws Exception {
        assertEquals(200, a.json("PUT", API + "/sim/clock", adminOnA, "{\"advance\":\"P3D\"}").status());
        Await.until(() -> b.server().clock().offset().equals(Duration.ofDays(3)), "node B reads A's clock");
        assertEquals("PT72H", b.get(API + "/sim/clock", adminOnB).json().get("offset").asText());
        assertEquals(200, b.delete(API + "/sim/clock", adminOnB).status());
        Await.until(() -> a.server().clock().offset().isZero(), "node A follows B back to the wall clock");
    }

    @Test
    void faultsSetOnOneNodeFailTheOthersDevices() throws Exception {
        TestDevice device = new TestDevice(a, "C9300-24UX", "TWONODE04");
        assertEquals("OK", device.register(a.createToken("Lab", "{}")).status());
        try {
            assertEquals(200, b.post(API + "/sim/faults", adminOnB, "{\"transport\":{\"failRate\":1.0}}").status());
            Await.until(() -> a.server().faults().active(), "node A applies B's faults");
            assertEquals("OK_TRY_AGAIN", device.hello().status());
        } finally {
            b.post(API + "/sim/faults", adminOnB, "{}");
            Await.until(() -> !a.server().faults().active(), "node A clears them with B");
        }
        assertEquals("OK", device.hello().status());
    }
}
