package dev.smartsat.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.Await;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Admission to {@code /SmartTransport} (settings {@code transport.*}): with one turn, a request arriving while
 * another is processed waits for it; one that would wait longer than the queue timeout is answered OK_TRY_AGAIN
 * (503 with Retry-After, its nonce echoed) and nothing of it is done. A request's body is read before it takes
 * a turn, so a client that sends slowly blocks nobody.
 */
@OnEachDatabase
class TransportAdmissionTest {
    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;


    @Test
    void aRequestThatCannotGetATurnInTimeIsToldToTryAgain() throws Exception {
        Map<String, String> env = Map.of("SMARTSAT_TRANSPORT_CONCURRENCY", "1",
                "SMARTSAT_TRANSPORT_QUEUE_TIMEOUT_MS", "300");
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"), database, env, Map.of())) {
            String admin = sat.adminToken();
            String token = sat.createToken("Default", "{\"description\":\"admission\"}");
            TestDevice first = new TestDevice(sat, "C9300-24UX", "ADM0001");
            TestDevice second = new TestDevice(sat, "C9300-24UX", "ADM0002");
            assertEquals("OK", first.register(token).status());

            // The injected delay is served inside the turn, so a HELLO holds the only turn for 1.5 s.
            assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{\"transport\":{\"delayMs\":1500}}")
                    .status());
            CompletableFuture<TestDevice.Answer> holder = CompletableFuture.supplyAsync(first::hello);
            Await.until(() -> sat.server().transport().busyTurns() == 1, "the HELLO has the only turn");
            TestDevice.Answer refused = second.register(token);
            assertEquals(503, refused.http(), refused.toString());
            assertEquals("OK_TRY_AGAIN", refused.status(), refused.toString());
            assertTrue(refused.raw().headers().firstValue("Retry-After").isPresent(), refused.toString());
            assertTrue(refused.payload().get("nonce").isTextual(), "the nonce is echoed: " + refused);
            assertEquals("OK", holder.get().status());

            assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{}").status());
            String devices = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/devices?q=ADM";
            assertEquals(1, sat.get(devices, admin).json().get("totalRecords").asInt(), "the refused one did nothing");
            // Two at once with one turn and time to wait: the second waits for the first and is served.
            CompletableFuture<TestDevice.Answer> a = CompletableFuture.supplyAsync(first::hello);
            TestDevice.Answer registered = second.register(token);
            assertEquals("OK", registered.status(), registered.toString());
            assertEquals(2, sat.get(devices, admin).json().get("totalRecords").asInt());
            assertEquals("OK", a.join().status());
        }
    }

    @Test
    void aClientThatSendsSlowlyHoldsNoTurn() throws Exception {
        Map<String, String> env = Map.of("SMARTSAT_TRANSPORT_CONCURRENCY", "1",
                "SMARTSAT_TRANSPORT_QUEUE_TIMEOUT_MS", "300");
        try (TestSatellite sat = TestSatellite.start(dir.resolve("sat"), database, env, Map.of())) {
            String token = sat.createToken("Default", "{\"description\":\"slow\"}");
            TestDevice device = new TestDevice(sat, "C9300-24UX", "SLOW0001");
            SSLSocketFactory tls = TestSatellite.trusting(sat.dir().resolve("certs/ca.pem")).getSocketFactory();
            try (SSLSocket slow = (SSLSocket) tls.createSocket("localhost", sat.uri("/").getPort())) {
                // Headers and the first 10 of 1,000 promised bytes, then nothing: the server waits for the rest.
                OutputStream out = slow.getOutputStream();
                out.write(("POST /SmartTransport HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"payload\"").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Await.until(() -> sat.server().bodiesBeingRead() == 1, "the server is reading the slow body");
                TestDevice.Answer registered = device.register(token);
                assertEquals("OK", registered.status(), "the only turn is free: " + registered);
                assertEquals("OK", device.hello().status());
            }
        }
    }
}
