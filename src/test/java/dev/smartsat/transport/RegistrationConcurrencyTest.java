package dev.smartsat.transport;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * SPEC §3's atomic counting under real concurrency: N threads released together by one latch, each
 * sending an already signed request over HTTPS. A token with maxUses N admits exactly N registrations,
 * never N+1; an unlimited one admits all; a pool serves exactly its supply in authorization order.
 */
@OnEachDatabase
class RegistrationConcurrencyTest {
    @Parameter
    TestDatabase database;

    private static final String DEFAULT = ACCOUNT_PATH + "/virtual-accounts/Default";
    private static final String LAB = ACCOUNT_PATH + "/virtual-accounts/Lab";
    private static final int THREADS = 40;

    @TempDir
    Path dir;
    TestSatellite sat;
    String admin;
    int serials;

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir, database);
        admin = sat.adminToken();
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    @Test
    void aTokenWithMaxUsesFiveAdmitsExactlyFiveOfFortyConcurrentRegistrations() throws Exception {
        String token = sat.createToken("Default", "{\"description\":\"five\",\"maxUses\":5}");
        List<TestDevice> devices = devices(THREADS, "MAX");
        List<TestDevice.Answer> answers = together(devices, d -> d.registerPayload(token, false));

        Map<String, Integer> outcomes = outcomes(answers);
        assertEquals(Map.of("OK", 5, "TOKEN_EXHAUSTED", 35), outcomes, answers.toString());
        for (TestDevice.Answer a : answers) {
            if ("FAILED".equals(a.status())) {
                assertEquals(403, a.http(), a.toString());
            } else {
                assertEquals(200, a.http(), a.toString());
            }
        }
        JsonNode info = tokenInfo("Default", token);
        assertEquals(5, info.get("uses").asLong(), info.toString());
        assertEquals(5, info.get("maxUses").asLong(), info.toString());
        assertEquals("EXHAUSTED", info.get("status").asText(), info.toString());
        assertDevices(DEFAULT, okIdentifiers(answers));
        assertEquals(5, registrationEvents(), "one INSTANCE_REGISTERED event per registration");
    }

    @Test
    void anUnlimitedTokenAdmitsFortyConcurrentRegistrations() throws Exception {
        String token = sat.createToken("Default", "{\"description\":\"unlimited\",\"maxUses\":null}");
        List<TestDevice> devices = devices(THREADS, "UNL");
        List<TestDevice.Answer> answers = together(devices, d -> d.registerPayload(token, false));

        assertEquals(Map.of("OK", THREADS), outcomes(answers), answers.toString());
        Set<String> piids = okIdentifiers(answers);
        assertEquals(THREADS, piids.size(), "every instance has its own identifier");
        JsonNode info = tokenInfo("Default", token);
        assertEquals(THREADS, info.get("uses").asLong(), info.toString());
        assertTrue(info.get("maxUses").isNull(), info.toString());
        assertEquals("ACTIVE", info.get("status").asText(), info.toString());
        assertDevices(DEFAULT, piids);
        assertEquals(THREADS, registrationEvents());
    }

    @Test
    void oneRegisterReplayedConcurrentlySucceedsOnce() throws Exception {
        String token = sat.createToken("Default", "{\"description\":\"replay\"}");
        TestDevice d = devices(1, "RPL").get(0);
        String envelope = Envelope.sign(d.registerPayload(token, false).toString(), d.key.getPrivate(), "csr").toJson();
        List<TestDevice.Answer> answers = together(THREADS, i -> d.sendRaw(envelope));
        assertEquals(Map.of("OK", 1, "REPLAYED_NONCE", THREADS - 1), outcomes(answers), answers.toString());
        assertEquals(1, tokenInfo("Default", token).get("uses").asLong());
        assertDevices(DEFAULT, okIdentifiers(answers));
    }

    @Test
    void concurrentOverwritesOfOneUdiLeaveExactlyOneInstance() throws Exception {
        String token = sat.createToken("Default", "{\"description\":\"overwrite\"}");
        List<TestDevice> twins = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            twins.add(new TestDevice(sat, "C9300-48P", "TWIN1"));
        }
        List<TestDevice.Answer> answers = together(twins, d -> d.registerPayload(token, true));
        assertEquals(Map.of("OK", 20), outcomes(answers), answers.toString());
        JsonNode list = sat.get(DEFAULT + "/devices?limit=1000", admin).json();
        assertEquals(1, list.get("totalRecords").asInt(), list.toString());
        assertEquals(20, tokenInfo("Default", token).get("uses").asLong());
        // 19 replaced certificates are on the CRL
        assertEquals(19, FailureCodesTest.revokedCount(sat));
    }

    @Test
    void twentyConcurrentAuthorizationsAgainstAFourLicensePool() throws Exception {
        String token = sat.createToken("Lab", "{\"description\":\"pool\"}");
        List<TestDevice> devices = devices(20, "POOL");
        List<TestDevice.Answer> registered = together(devices, d -> d.registerPayload(token, false));
        assertEquals(Map.of("OK", 20), outcomes(registered), registered.toString());
        for (int i = 0; i < devices.size(); i++) {
            adopt(devices.get(i), registered.get(i));
        }

        List<TestDevice.Answer> answers = together(devices, d -> {
            ObjectNode p = d.payload(MessageType.AUTH_REQUEST);
            p.putArray("entitlements").addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1);
            return p;
        });
        assertEquals(Map.of("OK", 20), outcomes(answers), answers.toString());
        Map<String, Integer> statuses = new TreeMap<>();
        for (TestDevice.Answer a : answers) {
            statuses.merge(a.data().get("authorization_status").asText(), 1, Integer::sum);
            assertEquals(a.data().get("authorization_status").asText(),
                    a.data().get("entitlements").get(0).get("status").asText(), a.toString());
        }
        assertEquals(Map.of("AUTHORIZED", 4, "OUT_OF_COMPLIANCE", 16), statuses, answers.toString());

        JsonNode pool = pool(LAB, NETWORK_ADVANTAGE);
        assertEquals(4, pool.get("quantity").asLong(), pool.toString());
        assertEquals(20, pool.get("inUse").asLong(), pool.toString());
        assertEquals(-16, pool.get("balance").asLong(), pool.toString());
        assertEquals("Out of Compliance", pool.get("status").asText(), pool.toString());
        JsonNode authorized = sat.get(LAB + "/devices?status=AUTHORIZED&limit=1000", admin).json();
        assertEquals(4, authorized.get("totalRecords").asInt(), authorized.toString());

        // asking again, all together, changes nobody's place in the queue
        List<TestDevice.Answer> again = together(devices, d -> {
            ObjectNode p = d.payload(MessageType.AUTH_REQUEST);
            p.putArray("entitlements").addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1);
            return p;
        });
        for (int i = 0; i < devices.size(); i++) {
            assertEquals(answers.get(i).data().get("authorization_status").asText(),
                    again.get(i).data().get("authorization_status").asText(), devices.get(i).serial);
        }
        assertEquals(20, pool(LAB, NETWORK_ADVANTAGE).get("inUse").asLong());
    }

    // ---------------------------------------------------------------- helpers

    List<TestDevice> devices(int n, String prefix) {
        List<TestDevice> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TestDevice(sat, "C9300-48P", prefix + (++serials)));
        }
        return out;
    }

    /** Builds and signs every device's request first, then sends them all at once; answers in device order. */
    List<TestDevice.Answer> together(List<TestDevice> devices, Function<TestDevice, ObjectNode> payload) throws Exception {
        List<String> envelopes = new ArrayList<>();
        for (TestDevice d : devices) {
            ObjectNode p = payload.apply(d);
            String keyId = "REGISTER".equals(p.get("message_type").asText()) ? "csr" : d.certSerial;
            envelopes.add(Envelope.sign(p.toString(), d.key.getPrivate(), keyId).toJson());
        }
        return together(devices.size(), i -> devices.get(i).sendRaw(envelopes.get(i)));
    }

    static List<TestDevice.Answer> together(int n, Function<Integer, TestDevice.Answer> send) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TestDevice.Answer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return send.apply(index);
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), "threads ready");
            go.countDown();
            List<TestDevice.Answer> answers = new ArrayList<>();
            for (Future<TestDevice.Answer> f : futures) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Counts OK answers and FAILED ones by code; nothing else may appear. */
    static Map<String, Integer> outcomes(List<TestDevice.Answer> answers) {
        Map<String, Integer> out = new TreeMap<>();
        for (TestDevice.Answer a : answers) {
            String key = switch (a.status()) {
                case "OK" -> "OK";
                case "FAILED" -> a.code();
                default -> a.status() + " " + a.http();
            };
            out.merge(key, 1, Integer::sum);
        }
        return out;
    }

    static Set<String> okIdentifiers(List<TestDevice.Answer> answers) {
        Set<String> out = new HashSet<>();
        for (TestDevice.Answer a : answers) {
            if ("OK".equals(a.status())) {
                out.add(a.data().get("product_instance_identifier").asText());
            }
        }
        return out;
    }

    void assertDevices(String va, Set<String> piids) {
        JsonNode list = sat.get(va + "/devices?limit=1000", admin).json();
        assertEquals(piids.size(), list.get("totalRecords").asInt(), list.toString());
        Set<String> listed = new HashSet<>();
        list.get("devices").forEach(d -> listed.add(d.get("productInstanceIdentifier").asText()));
        assertEquals(piids, listed);
    }

    JsonNode tokenInfo(String va, String token) {
        for (JsonNode t : sat.get(ACCOUNT_PATH + "/virtual-accounts/" + va + "/tokens?limit=1000", admin).json().get("tokens")) {
            if (t.get("token").asText().equals(token)) {
                return t;
            }
        }
        throw new AssertionError("no token " + token);
    }

    long registrationEvents() {
        return sat.get(ACCOUNT_PATH + "/events?type=INSTANCE_REGISTERED&limit=1", admin).json().get("totalRecords").asLong();
    }

    JsonNode pool(String va, String tag) {
        for (JsonNode l : sat.get(va + "/licenses", admin).json().get("licenses")) {
            if (l.get("entitlementTag").asText().equals(tag)) {
                return l;
            }
        }
        throw new AssertionError("no pool " + tag + " in " + va);
    }

    static void adopt(TestDevice d, TestDevice.Answer a) {
        d.piid = a.data().get("product_instance_identifier").asText();
        d.certificate = dev.smartsat.pki.PemFiles.certificateFromPem(a.data().get("id_cert").asText());
        d.certSerial = d.certificate.getSerialNumber().toString(16);
    }
}
