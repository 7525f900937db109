package dev.smartsat.transport;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static dev.smartsat.transport.TestDevice.DNA_ADVANTAGE;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.PemFiles;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated /SmartTransport requests from a seeded generator (set -Dsmartsat.fuzz.seed=N to
 * replay another run): garbage, truncated envelopes, bad signatures, wrong keys, fields near and over
 * 64 KiB, every field of the wrong type, nesting, Unicode, nulls, arrays for objects, one-field
 * mutations, tampering and replays, interleaved with valid traffic whose effects a model tracks.
 * Every answer must be a signed envelope, never 5xx, FAILED with a code of SPEC §3's table (with its
 * HTTP status) or OK where OK is possible. Afterwards the satellite must still serve, and its rows must
 * match the model exactly: no partial registration, usage, certificate or token use anywhere.
 */
class TransportRobustnessTest {
    static final long SEED = Long.getLong("smartsat.fuzz.seed", 20261123L);
    static final int REQUESTS = 1200;
    static final int MAX_BODY = 64 * 1024;
    static final String LAB = ACCOUNT_PATH + "/virtual-accounts/Lab";
    static final String DEFAULT = ACCOUNT_PATH + "/virtual-accounts/Default";
    static final String UNKNOWN_TAG = "regid.2099-01.com.cisco.NOT_A_PRODUCT,1.0_00000000-0000-4000-8000-000000000000";
    static final String CATALOG_NO_POOL = "regid.2016-07.com.cisco.EXPWY_DESKTOP,1.0_7d3c1e5b-9a2f-4b6d-8e1a-3f4c5d6e7a33";
    static final List<String> TAGS = List.of(NETWORK_ADVANTAGE, DNA_ADVANTAGE, UNKNOWN_TAG, CATALOG_NO_POOL);
    static final List<String> PIDS = List.of("C9300-48P", "C9300-24UX", "EXPWY-VM", "WMS/SRV+1", "CUCM.14");
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path dir;
    TestSatellite sat;
    String admin;
    String token;
    Random random;

    /** The model: live instances, the devices that can still talk for them, and what the satellite should hold. */
    final Map<String, String> udiByPiid = new HashMap<>();
    final Map<String, String> piidByUdi = new HashMap<>();
    final Map<String, TestDevice> drivable = new LinkedHashMap<>();
    final Map<String, Map<String, Long>> usage = new HashMap<>();
    final List<String> okBodies = new ArrayList<>();
    int okRegistrations;
    int renewals;
    int deregistrations;
    int revocations;
    int serials;
    final Map<String, Integer> kinds = new TreeMap<>();
    final Map<String, Integer> outcomes = new TreeMap<>();


    enum Expect { NEVER_OK, MAY_BE_OK, MUST_BE_OK }

    /**
     * One request: its body, the device that signed it (if any; with the key a RENEW_ID_CERT's CSR brings), the
     * codes it may be refused with (null: any of the table) and whether it may, or must, be served.
     */
    record Probe(String kind, byte[] body, TestDevice device, KeyPair newKey, Set<String> codes, Expect expect) {}

    /** A valid request before it is bent. */
    record Base(TestDevice device, ObjectNode payload, String keyId) {
        MessageType type() {
            return MessageType.valueOf(payload.get("message_type").asText());
        }

        String sign() {
            return Envelope.sign(payload.toString(), device.key.getPrivate(), keyId).toJson();
        }
    }

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir);
        admin = sat.adminToken();
        token = sat.createToken("Lab", "{\"description\":\"robustness\",\"maxUses\":null}");
        random = new Random(SEED);
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    @Test
    void randomAndMutatedRequestsNeverBreakTheTransport() {
        System.out.println("TransportRobustnessTest seed " + SEED + " (-Dsmartsat.fuzz.seed=" + SEED
                + " replays the same requests; only the ECDSA signature bytes differ between runs)");
        long started = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            Probe p = next();
            kinds.merge(p.kind(), 1, Integer::sum);
            check(i, p, send(i, p));
        }
        long fuzzMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println("TransportRobustnessTest: " + REQUESTS + " requests in " + fuzzMs + " ms, "
                + kinds.size() + " kinds: " + kinds);
        System.out.println("TransportRobustnessTest: outcomes " + outcomes);

        assertTrue(outcomes.keySet().containsAll(Set.of("OK", "MALFORMED", "BAD_SIGNATURE", "STALE_TIMESTAMP",
                "REPLAYED_NONCE", "INSTANCE_UNKNOWN", "CERT_REVOKED", "TOO_LARGE")), "the mix reached " + outcomes);

        // the satellite still serves
        TestSatellite.Response health = sat.get("/health", null);
        assertEquals(200, health.status(), health.toString());
        assertEquals("UP", health.json().get("status").asText(), health.toString());
        TestDevice newcomer = new TestDevice(sat, "C9300-48P", "AFTERFUZZ1");
        Probe register = probe("final register", newcomer, newcomer.registerPayload(token, false), "csr", null,
                Expect.MUST_BE_OK);
        check(REQUESTS, register, send(REQUESTS, register));
        ObjectNode auth = newcomer.payload(MessageType.AUTH_REQUEST);
        auth.putArray("entitlements").addObject().put("tag", DNA_ADVANTAGE).put("count", 1);
        Probe authorize = probe("final authorize", newcomer, auth, newcomer.certSerial, null, Expect.MUST_BE_OK);
        check(REQUESTS + 1, authorize, send(REQUESTS + 1, authorize));

        assertNoPartialRows();
    }

    // ---------------------------------------------------------------- what the satellite must hold afterwards

    void assertNoPartialRows() {
        JsonNode lab = get(LAB + "/devices?limit=1000");
        JsonNode dflt = get(DEFAULT + "/devices?limit=1000");
        assertEquals(0, dflt.get("totalRecords").asInt(), "the fuzz token belongs to Lab: " + dflt);
        assertEquals(udiByPiid.size(), lab.get("totalRecords").asInt(), "devices listed vs live instances");
        Map<String, String> listed = new HashMap<>();
        for (JsonNode d : lab.get("devices")) {
            JsonNode sudi = d.get("sudi");
            listed.put(d.get("productInstanceIdentifier").asText(),
                    "P:" + sudi.get("udiPid").asText() + ",S:" + sudi.get("udiSerialNumber").asText());
            assertEquals("REGISTERED", d.get("registrationStatus").asText(), d.toString());
            // every reported tag is listed, INVALID_TAG ones too (so an administrator sees why); pools count only known ones
            Map<String, Long> expected = nonZero(usage.getOrDefault(d.get("productInstanceIdentifier").asText(), Map.of()));
            Map<String, Long> actual = new TreeMap<>();
            d.get("licenseUsage").forEach(u -> actual.put(u.get("entitlementTag").asText(), u.get("quantity").asLong()));
            assertEquals(expected, nonZero(actual), "usage of " + d);
        }
        assertEquals(udiByPiid, listed, "live instances (identifier -> UDI)");

        long uses = -1;
        for (JsonNode t : get(LAB + "/tokens?limit=1000").get("tokens")) {
            if (t.get("token").asText().equals(token)) {
                uses = t.get("uses").asLong();
            }
        }
        assertEquals(okRegistrations, uses, "the token counts exactly the registrations that succeeded");

        for (String va : List.of(LAB, DEFAULT)) {
            Map<String, Long> sums = new HashMap<>();
            for (JsonNode d : get(va + "/devices?limit=1000").get("devices")) {
                boolean live = d.get("registrationStatus").asText().equals("REGISTERED")
                        && !d.get("authorizationStatus").asText().equals("AUTHORIZATION_EXPIRED");
                for (JsonNode u : d.get("licenseUsage")) {
                    if (live && !u.get("status").asText().equals("INVALID_TAG")) {
                        sums.merge(u.get("entitlementTag").asText(), u.get("quantity").asLong(), Long::sum);
                    }
                }
            }
            for (JsonNode l : get(va + "/licenses").get("licenses")) {
                String tag = l.get("entitlementTag").asText();
                assertEquals(sums.getOrDefault(tag, 0L), l.get("inUse").asLong(), va + " pool " + l);
                assertEquals(l.get("quantity").asLong() - l.get("reserved").asLong() - l.get("inUse").asLong(),
                        l.get("balance").asLong(), va + " pool " + l);
            }
            Set<String> pools = new HashSet<>();
            get(va + "/licenses").get("licenses").forEach(l -> pools.add(l.get("entitlementTag").asText()));
            assertTrue(pools.containsAll(sums.keySet()), va + ": every tag in use has a pool line: " + sums.keySet());
        }
        assertEquals(revocations, FailureCodesTest.revokedCount(sat),
                "the CRL lists every renewed, deregistered and overwritten certificate, nothing else");
        assertEquals(okRegistrations, events("INSTANCE_REGISTERED") + events("INSTANCE_REREGISTERED"));
        assertEquals(renewals, events("INSTANCE_RENEWED"));
        assertEquals(deregistrations, events("INSTANCE_DEREGISTERED"));
        System.out.println("TransportRobustnessTest: " + udiByPiid.size() + " live instances, " + okRegistrations
                + " registrations, " + renewals + " renewals, " + deregistrations + " deregistrations, "
                + revocations + " revocations");
    }

    static Map<String, Long> nonZero(Map<String, Long> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> {
            if (v != 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    long events(String type) {
        return get(ACCOUNT_PATH + "/events?type=" + type + "&limit=1").get("totalRecords").asLong();
    }

    JsonNode get(String path) {
        TestSatellite.Response r = sat.get(path, admin);
        assertEquals(200, r.status(), path + " " + r);
        return r.json();
    }

    // ---------------------------------------------------------------- sending and checking

    TestDevice.Answer send(int i, Probe p) {
        // a third of the requests go without Content-Length (chunked), so both ways of reading the body are exercised
        HttpRequest.BodyPublisher publisher = i % 3 == 2
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(p.body()))
                : HttpRequest.BodyPublishers.ofByteArray(p.body());
        TestSatellite.Response r = sat.send("POST", "/SmartTransport", null, "application/json", publisher);
        if (r.status() >= 500) {
            fail("#" + i + " " + p.kind() + " answered " + r.status() + " (seed " + SEED + "): request "
                    + excerpt(p.body()) + " -> " + r);
        }
        try {
            return TestDevice.verified(sat, r);
        } catch (AssertionError e) {
            throw new AssertionError("#" + i + " " + p.kind() + " (seed " + SEED + "): request " + excerpt(p.body())
                    + " -> " + e.getMessage(), e);
        }
    }

    void check(int i, Probe p, TestDevice.Answer a) {
        String context = "#" + i + " " + p.kind() + " (seed " + SEED + "): request " + excerpt(p.body()) + " -> " + a;
        assertTrue(a.http() < 500, context);
        JsonNode payload = a.payload();
        for (String field : List.of("status", "message_code", "message", "timestamp", "nonce", "data")) {
            assertTrue(payload.has(field), "the answer has " + field + ": " + context);
        }
        JsonNode nonce = payload.get("nonce");
        if (!nonce.isNull()) {
            assertTrue(nonce.isTextual() && nonce.asText().matches("[A-Za-z0-9]{16,64}")
                    && new String(p.body(), StandardCharsets.UTF_8).contains(nonce.asText()),
                    "an echoed nonce is the request's: " + context);
        }
        switch (a.status()) {
            case "OK" -> {
                outcomes.merge("OK", 1, Integer::sum);
                assertTrue(p.expect() != Expect.NEVER_OK, "must not be served: " + context);
                assertEquals(200, a.http(), context);
                assertTrue(payload.get("message_code").isNull(), context);
                apply(p, a, context);
                okBodies.add(new String(p.body(), StandardCharsets.UTF_8));
            }
            case "FAILED" -> {
                String code = a.code();
                outcomes.merge(code, 1, Integer::sum);
                assertTrue(FailureCodesTest.SPEC_HTTP.containsKey(code), "a code of the table: " + context);
                assertEquals(FailureCodesTest.SPEC_HTTP.get(code), a.http(), "the table's HTTP status: " + context);
                assertTrue(payload.get("message").isTextual() && !payload.get("message").asText().isBlank(), context);
                if (p.codes() != null) {
                    assertTrue(p.codes().contains(code), "expected one of " + p.codes() + ": " + context);
                }
                assertTrue(p.expect() != Expect.MUST_BE_OK, "a valid request was refused: " + context);
            }
            default -> fail("status OK or FAILED: " + context);
        }
    }

    /** Moves the model along with a request the satellite served. */
    void apply(Probe p, TestDevice.Answer a, String context) {
        assertTrue(p.device() != null, "only a request a device signed can be served: " + context);
        // the payload exactly as the satellite read it (some probes edit the text after building the payload)
        ObjectNode sent;
        try {
            sent = (ObjectNode) Envelope.parse(p.body()).payloadJson();
        } catch (Envelope.MalformedException e) {
            throw new AssertionError("served, yet not an envelope: " + context, e);
        }
        MessageType type = MessageType.valueOf(sent.get("message_type").asText());
        TestDevice d = p.device();
        switch (type) {
            case REGISTER -> {
                String udi = "P:" + sent.get("sudi").get("udi_pid").asText() + ",S:"
                        + sent.get("sudi").get("udi_serial_number").asText();
                String piid = a.data().get("product_instance_identifier").asText();
                String old = piidByUdi.remove(udi);
                if (old != null) {
                    udiByPiid.remove(old);
                    drivable.remove(old);
                    usage.remove(old);
                    revocations++;
                }
                if (d.piid != null && drivable.get(d.piid) == d) {
                    drivable.remove(d.piid);
                }
                piidByUdi.put(udi, piid);
                udiByPiid.put(piid, udi);
                okRegistrations++;
                d.piid = piid;
                adoptCertificate(d, a);
            }
            case RENEW_ID_CERT -> {
                String piid = sent.get("product_instance_identifier").asText();
                assertEquals(d.piid, piid, context);
                revocations++;
                renewals++;
                if (p.newKey() != null) {
                    d.key = p.newKey();
                }
                adoptCertificate(d, a);
            }
            case DEREGISTER -> {
                String piid = sent.get("product_instance_identifier").asText();
                String udi = udiByPiid.remove(piid);
                assertTrue(udi != null, "a deregistered instance was live: " + context);
                piidByUdi.remove(udi);
                drivable.remove(piid);
                usage.remove(piid);
                revocations++;
                deregistrations++;
            }
            case AUTH_REQUEST -> {
                String piid = sent.get("product_instance_identifier").asText();
                Map<String, Long> counts = new TreeMap<>();
                sent.get("entitlements").forEach(e -> counts.put(e.get("tag").asText(), e.get("count").asLong()));
                usage.put(piid, counts);
            }
            case HELLO -> { }
        }
    }

    /** Takes the answer's certificate; the device stays drivable only if the certificate holds its key. */
    void adoptCertificate(TestDevice d, TestDevice.Answer a) {
        d.certificate = PemFiles.certificateFromPem(a.data().get("id_cert").asText());
        d.certSerial = d.certificate.getSerialNumber().toString(16);
        if (Arrays.equals(d.certificate.getPublicKey().getEncoded(), d.key.getPublic().getEncoded())) {
            drivable.put(d.piid, d);
        } else {
            drivable.remove(d.piid);
        }
    }

    // ---------------------------------------------------------------- the generator

    Probe next() {
        if (drivable.size() < 4) {
            return validRegister();
        }
        int roll = random.nextInt(100);
        if (roll < 4) {
            return garbageBytes();
        } else if (roll < 8) {
            return garbageJson();
        } else if (roll < 14) {
            return truncated();
        } else if (roll < 19) {
            return badSignatureValue();
        } else if (roll < 24) {
            return wrongKey();
        } else if (roll < 28) {
            return huge();
        } else if (roll < 40) {
            return wrongType();
        } else if (roll < 44) {
            return envelopeWrongType();
        } else if (roll < 47) {
            return nested();
        } else if (roll < 54) {
            return unicode();
        } else if (roll < 58) {
            return nulls();
        } else if (roll < 62) {
            return arraysForObjects();
        } else if (roll < 73) {
            return semanticMutation();
        } else if (roll < 77) {
            return tampered();
        } else if (roll < 84 && !okBodies.isEmpty()) {
            return replay();
        }
        return valid();
    }

    Probe garbageBytes() {
        byte[] bytes = new byte[random.nextInt(300)];
        if (random.nextBoolean()) {
            random.nextBytes(bytes);
        } else {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (0x20 + random.nextInt(0x5F));
            }
        }
        return raw("garbage bytes", bytes, Set.of("MALFORMED"));
    }

    Probe garbageJson() {
        JsonNode node = randomJson(4, true);
        return raw("garbage JSON", node.toString().getBytes(StandardCharsets.UTF_8), Set.of("MALFORMED"));
    }

    Probe truncated() {
        String envelope = base().sign();
        return raw("truncated envelope", utf8(envelope.substring(0, random.nextInt(envelope.length()))), Set.of("MALFORMED"));
    }

    Probe badSignatureValue() {
        Base b = base();
        ObjectNode envelope = (ObjectNode) FailureCodesTest.json(b.sign());
        ObjectNode sig = (ObjectNode) envelope.get("signature");
        String good = sig.get("value").asText();
        String value = switch (random.nextInt(6)) {
            case 0 -> randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!@#$%^&*() -_", 1 + random.nextInt(120));
            case 1 -> {
                byte[] junk = new byte[random.nextInt(100)];
                random.nextBytes(junk);
                yield Base64.getEncoder().encodeToString(junk);
            }
            case 2 -> "";
            case 3 -> good.substring(0, good.length() / 2) + (good.charAt(good.length() / 2) == 'A' ? 'B' : 'A')
                    + good.substring(good.length() / 2 + 1);
            case 4 -> good.substring(0, good.length() - 4);
            default -> FailureCodesTest.json(Envelope.sign(b.payload() + " ", b.device().key.getPrivate(), b.keyId())
                    .toJson()).get("signature").get("value").asText();
        };
        // (ECDSA signatures are randomized, so only the shape of this run is seeded: never send the good value back)
        sig.put("value", value.equals(good) ? good + "!" : value);
        return probe("bad signature value", b, utf8(envelope.toString()), Set.of("BAD_SIGNATURE", "MALFORMED"), Expect.NEVER_OK);
    }

    Probe wrongKey() {
        Base b = base();
        KeyPair other = Crypto.generateP256KeyPair();
        String envelope = Envelope.sign(b.payload().toString(), other.getPrivate(), b.keyId()).toJson();
        return probe("wrong key", b, utf8(envelope), Set.of("BAD_SIGNATURE"), Expect.NEVER_OK);
    }

    /** A body of a chosen size around the 64 KiB limit, grown through one field (or whitespace). */
    Probe huge() {
        Base b = base();
        int[] targets = {20_000, 60_000, MAX_BODY - 1 - random.nextInt(300), MAX_BODY, MAX_BODY + 1,
                MAX_BODY + 1 + random.nextInt(300), 70_000, 200_000};
        int target = targets[random.nextInt(targets.length)];
        List<String> fields = new ArrayList<>(List.of("padding", "x_extra", "hostname", "nonce", "sudi.udi_uuid",
                "message_type", "key_id", "value"));
        fields.addAll(paths(b.type()));
        String field = fields.get(random.nextInt(fields.size()));
        String envelope;
        if (field.equals("padding")) {
            envelope = b.sign();
        } else if (field.equals("key_id") || field.equals("value")) {
            ObjectNode e = (ObjectNode) FailureCodesTest.json(b.sign());
            ((ObjectNode) e.get("signature")).put(field, "");
            int base = utf8(e.toString()).length;
            ((ObjectNode) e.get("signature")).put(field, "a".repeat(Math.max(1, target - base - 8)));
            envelope = e.toString();
        } else {
            setPath(b.payload(), field, NODES.textNode(""));
            int base = utf8(b.sign()).length;
            setPath(b.payload(), field, NODES.textNode("a".repeat(Math.max(1, target - base - 8))));
            envelope = b.sign();
        }
        int missing = target - utf8(envelope).length;
        if (missing > 0) {
            envelope = "{" + " ".repeat(missing) + envelope.substring(1);
        }
        byte[] body = utf8(envelope);
        String kind = "huge " + field + (body.length > MAX_BODY ? " over 64 KiB" : " within 64 KiB");
        if (body.length > MAX_BODY) {
            return probe(kind, b, body, Set.of("TOO_LARGE"), Expect.NEVER_OK);
        }
        Expect expect = field.equals("padding") || field.equals("x_extra") ? Expect.MUST_BE_OK : Expect.MAY_BE_OK;
        return probe(kind, b, body, null, expect);
    }

    Probe wrongType() {
        Base b = base();
        List<String> paths = paths(b.type());
        String path = paths.get(random.nextInt(paths.size()));
        setPath(b.payload(), path, randomJson(2, false));
        return probe("wrong type in " + path, b, utf8(b.sign()), null, Expect.MAY_BE_OK);
    }

    Probe envelopeWrongType() {
        Base b = base();
        ObjectNode e = (ObjectNode) FailureCodesTest.json(b.sign());
        String[] fields = {"payload", "signature", "signature.algorithm", "signature.key_id", "signature.value",
                "signature.certificate", "x_extra"};
        String field = fields[random.nextInt(fields.length)];
        JsonNode value = randomJson(2, false);
        Expect expect = Expect.NEVER_OK;
        Set<String> codes = Set.of("MALFORMED", "BAD_SIGNATURE");
        if (field.startsWith("signature.")) {
            ((ObjectNode) e.get("signature")).set(field.substring("signature.".length()), value);
            if (field.equals("signature.certificate")) {
                expect = Expect.MAY_BE_OK;
                codes = Set.of("MALFORMED");
            }
        } else {
            e.set(field, value);
            if (field.equals("x_extra")) {
                expect = Expect.MUST_BE_OK;
                codes = null;
            }
        }
        return probe("envelope " + field + " of another type", b, utf8(e.toString()), codes, expect);
    }

    Probe nested() {
        int depth = 1 + random.nextInt(3000);
        StringBuilder text = new StringBuilder();
        boolean arrays = random.nextBoolean();
        for (int i = 0; i < depth; i++) {
            text.append(arrays ? "[" : "{\"a\":");
        }
        text.append(random.nextBoolean() ? "1" : "null");
        for (int i = 0; i < depth; i++) {
            text.append(arrays ? "]" : "}");
        }
        Base b = base();
        switch (random.nextInt(3)) {
            case 0 -> {
                return raw("nested body, depth " + depth, utf8(text.toString()), Set.of("MALFORMED"));
            }
            case 1 -> {
                String envelope = b.sign();
                JsonNode e = FailureCodesTest.json(envelope);
                String body = "{\"payload\":" + text + ",\"signature\":" + e.get("signature") + "}";
                return probe("nested payload, depth " + depth, b, utf8(body), Set.of("MALFORMED"), Expect.NEVER_OK);
            }
            default -> {
                List<String> paths = new ArrayList<>(paths(b.type()));
                paths.add("x_extra");
                String path = paths.get(random.nextInt(paths.size()));
                setPath(b.payload(), path, NODES.textNode("__NESTED__"));
                String payload = b.payload().toString().replace("\"__NESTED__\"", text);
                String envelope = Envelope.sign(payload, b.device().key.getPrivate(), b.keyId()).toJson();
                return probe("nested " + path + ", depth " + depth, b, utf8(envelope), null, Expect.MAY_BE_OK);
            }
        }
    }

    Probe unicode() {
        Base b = base();
        List<String> paths = new ArrayList<>(stringPaths(b.type()));
        paths.add("key_id");
        paths.add("algorithm");
        String path = paths.get(random.nextInt(paths.size()));
        String value = randomUnicode(1 + random.nextInt(40));
        boolean escaped = random.nextBoolean() || hasLoneSurrogate(value);
        String rendered = escaped ? jsonString(value) : NODES.textNode(value).toString();
        if (path.equals("key_id") || path.equals("algorithm")) {
            ObjectNode e = (ObjectNode) FailureCodesTest.json(b.sign());
            ((ObjectNode) e.get("signature")).put(path, "__UNICODE__");
            String body = e.toString().replace("\"__UNICODE__\"", rendered);
            return probe("unicode envelope " + path, b, utf8(body), Set.of("BAD_SIGNATURE", "MALFORMED"), Expect.NEVER_OK);
        }
        setPath(b.payload(), path, NODES.textNode("__UNICODE__"));
        String payload = b.payload().toString().replace("\"__UNICODE__\"", rendered);
        String envelope = Envelope.sign(payload, b.device().key.getPrivate(), b.keyId()).toJson();
        return probe("unicode " + path + (escaped ? " (escaped)" : ""), b, utf8(envelope), null, Expect.MAY_BE_OK);
    }

    Probe nulls() {
        Base b = base();
        if (random.nextInt(4) == 0) {
            ObjectNode e = (ObjectNode) FailureCodesTest.json(b.sign());
            String[] fields = {"payload", "signature", "algorithm", "key_id", "value"};
            String field = fields[random.nextInt(fields.length)];
            if (field.equals("payload") || field.equals("signature")) {
                e.putNull(field);
            } else {
                ((ObjectNode) e.get("signature")).putNull(field);
            }
            return probe("envelope " + field + " null", b, utf8(e.toString()), Set.of("MALFORMED"), Expect.NEVER_OK);
        }
        List<String> paths = paths(b.type());
        String path = paths.get(random.nextInt(paths.size()));
        setPath(b.payload(), path, NODES.nullNode());
        return probe(path + " null", b, utf8(b.sign()), null, Expect.MAY_BE_OK);
    }

    Probe arraysForObjects() {
        Base b = base();
        int choice = random.nextInt(b.type() == MessageType.AUTH_REQUEST ? 6 : 4);
        switch (choice) {
            case 0 -> {
                return probe("array body", b, utf8("[" + b.sign() + "]"), Set.of("MALFORMED"), Expect.NEVER_OK);
            }
            case 1 -> {
                ObjectNode e = (ObjectNode) FailureCodesTest.json(b.sign());
                JsonNode sig = e.get("signature");
                e.putArray("signature").add(sig);
                return probe("array signature", b, utf8(e.toString()), Set.of("MALFORMED"), Expect.NEVER_OK);
            }
            case 2 -> {
                String payload = "[" + b.payload() + "]";
                return probe("array payload", b, utf8(Envelope.sign(payload, b.device().key.getPrivate(), b.keyId()).toJson()),
                        Set.of("MALFORMED"), Expect.NEVER_OK);
            }
            case 3 -> {
                JsonNode sudi = b.payload().get("sudi");
                b.payload().putArray("sudi").add(sudi);
                return probe("array sudi", b, utf8(b.sign()), Set.of("MALFORMED"), Expect.NEVER_OK);
            }
            case 4 -> {
                ArrayNode list = (ArrayNode) b.payload().get("entitlements");
                if (list.isEmpty()) {
                    list.addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1);
                }
                list.set(0, NODES.arrayNode().add(list.get(0)));
                return probe("array entitlement", b, utf8(b.sign()), Set.of("MALFORMED"), Expect.NEVER_OK);
            }
            default -> {
                JsonNode list = b.payload().get("entitlements");
                b.payload().putObject("entitlements").set("list", list);
                return probe("object for entitlements", b, utf8(b.sign()), Set.of("MALFORMED"), Expect.NEVER_OK);
            }
        }
    }

    /** A valid request with one field changed to another, mostly well-formed, value; signed as changed. */
    Probe semanticMutation() {
        Base b = base();
        ObjectNode p = b.payload();
        MessageType type = b.type();
        String kind;
        Set<String> codes = null;
        Expect expect = Expect.MAY_BE_OK;
        int choice = random.nextInt(12);
        switch (choice) {
            case 0 -> {
                long offset = (long) ((random.nextDouble() * 2 - 1) * 2 * 3_600_000);
                p.put("timestamp", p.get("timestamp").asLong() + offset);
                kind = "timestamp " + (offset >= 0 ? "+" : "") + offset / 1000 + " s";
                if (Math.abs(offset) > 3_600_000 + 5_000) {
                    codes = Set.of("STALE_TIMESTAMP");
                    expect = Expect.NEVER_OK;
                }
            }
            case 1 -> {
                int length = 1 + random.nextInt(80);
                p.put("nonce", randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length));
                kind = "nonce of " + length;
                if (length < 16 || length > 64) {
                    codes = Set.of("MALFORMED");
                    expect = Expect.NEVER_OK;
                }
            }
            case 2 -> {
                String[] versions = {"1.3", "1.0", "1.99", "1", "2.0", "0.9", "1.3.1", "", "v1.3"};
                p.put("message_version", versions[random.nextInt(versions.length)]);
                kind = "message_version " + p.get("message_version");
            }
            case 3 -> {
                MessageType other = MessageType.values()[random.nextInt(MessageType.values().length)];
                p.put("message_type", other.name());
                kind = "message_type " + type + " -> " + other;
            }
            case 4 -> {
                if (type == MessageType.REGISTER) {
                    p.put("id_token", random.nextBoolean() ? token + "x"
                            : randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%", 1 + random.nextInt(120)));
                    kind = "id_token changed";
                    codes = Set.of("TOKEN_INVALID", "INSTANCE_EXISTS", "MALFORMED");
                    expect = Expect.NEVER_OK;
                } else {
                    p.put("product_instance_identifier", UUID.randomUUID().toString());
                    kind = "unknown product_instance_identifier";
                    codes = Set.of("INSTANCE_UNKNOWN");
                    expect = Expect.NEVER_OK;
                }
            }
            case 5 -> {
                if (type == MessageType.REGISTER) {
                    p.put("overwrite", !p.path("overwrite").asBoolean());
                    kind = "overwrite flipped";
                } else {
                    List<String> others = new ArrayList<>(drivable.keySet());
                    others.remove(p.get("product_instance_identifier").asText());
                    p.put("product_instance_identifier", others.get(random.nextInt(others.size())));
                    kind = "another instance's identifier";
                    codes = Set.of("BAD_SIGNATURE");
                    expect = Expect.NEVER_OK;
                }
            }
            case 6 -> {
                if (type == MessageType.REGISTER) {
                    p.remove("id_token");
                    kind = "id_token dropped";
                    codes = Set.of("MALFORMED");
                    expect = Expect.NEVER_OK;
                } else {
                    p.put("product_instance_identifier", p.get("product_instance_identifier").asText().toUpperCase());
                    kind = "identifier upper-cased";
                }
            }
            case 7 -> {
                ObjectNode sudi = (ObjectNode) p.get("sudi");
                sudi.put("udi_serial_number", "MUT" + randomString("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 1 + random.nextInt(20)));
                kind = "another udi_serial_number";
            }
            case 8 -> {
                ArrayNode list = p.putArray("entitlements");
                int n = random.nextInt(7);
                for (int i = 0; i < n; i++) {
                    String tag = random.nextInt(4) == 0 ? "regid.2099-01.com.cisco.R" + random.nextInt(5) + ",1.0_x"
                            : TAGS.get(random.nextInt(TAGS.size()));
                    long count = random.nextInt(5) == 0 ? random.nextInt(1_000_000_001) : random.nextInt(6);
                    list.addObject().put("tag", tag).put("count", count);
                }
                kind = "random entitlements on " + type;
            }
            case 9 -> {
                p.put("hostname", randomString("abcdefghijklmnopqrstuvwxyz0123456789.-", 1 + random.nextInt(60)));
                kind = "hostname changed on " + type;
            }
            case 10 -> {
                String[] optional = {"hostname", "software_tag_identifier", "overwrite", "x_unknown"};
                String field = optional[random.nextInt(optional.length)];
                p.remove(field);
                kind = field + " dropped on " + type;
            }
            default -> {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    p.set("x_" + random.nextInt(1000), randomJson(2, false));
                }
                kind = "unknown fields added to " + type;
            }
        }
        return probe(kind, b, utf8(b.sign()), codes, expect);
    }

    Probe tampered() {
        Base b = base();
        String payload = b.payload().toString();
        Envelope signed = Envelope.sign(payload, b.device().key.getPrivate(), b.keyId());
        String changed = payload;
        while (changed.equals(payload)) {
            int at = random.nextInt(payload.length());
            changed = switch (random.nextInt(4)) {
                case 0 -> payload.substring(0, at) + (char) (0x20 + random.nextInt(0x5F)) + payload.substring(at + 1);
                case 1 -> payload.substring(0, at) + " " + payload.substring(at);
                case 2 -> payload.substring(0, at) + payload.substring(at + 1);
                default -> payload + "\n";
            };
        }
        return probe("payload tampered after signing", b, utf8(new Envelope(changed, signed.signature()).toJson()), null,
                Expect.NEVER_OK);
    }

    Probe replay() {
        String body = okBodies.get(random.nextInt(okBodies.size()));
        return new Probe("replay of a served request", utf8(body), null, null,
                Set.of("REPLAYED_NONCE", "INSTANCE_UNKNOWN", "CERT_REVOKED"), Expect.NEVER_OK);
    }

    Probe valid() {
        int v = random.nextInt(20);
        if (v < 3) {
            return validRegister();
        }
        TestDevice d = anyDrivable();
        if (v < 4) {
            TestDevice twin = new TestDevice(sat, d.pid, d.serial);
            return probe("valid re-register with overwrite", twin, twin.registerPayload(token, true), "csr", null,
                    Expect.MUST_BE_OK);
        } else if (v < 5) {
            return probe("valid DEREGISTER", d, d.payload(MessageType.DEREGISTER), d.certSerial, null, Expect.MUST_BE_OK);
        } else if (v < 7) {
            ObjectNode p = d.payload(MessageType.RENEW_ID_CERT);
            KeyPair newKey = random.nextBoolean() ? Crypto.generateP256KeyPair() : null;
            p.put("csr", newKey == null ? d.csr() : FailureCodesTest.csr(newKey.getPublic(), newKey.getPrivate()));
            if (random.nextBoolean()) {
                p.put("hostname", "renewed" + random.nextInt(100) + ".example.com");
            }
            return probe("valid RENEW_ID_CERT" + (newKey == null ? "" : " with a new key"), d, p, d.certSerial, newKey,
                    Expect.MUST_BE_OK);
        } else if (v < 11) {
            return probe("valid HELLO", d, d.payload(MessageType.HELLO), d.certSerial, null, Expect.MUST_BE_OK);
        }
        return probe("valid AUTH_REQUEST", d, authPayload(d), d.certSerial, null, Expect.MUST_BE_OK);
    }

    Probe validRegister() {
        TestDevice d = new TestDevice(sat, PIDS.get(random.nextInt(PIDS.size())), "FZ" + (++serials));
        ObjectNode p = d.registerPayload(token, false);
        if (random.nextBoolean()) {
            p.remove("hostname");
        }
        return probe("valid REGISTER", d, p, "csr", null, Expect.MUST_BE_OK);
    }

    /** A valid request of a random type, from a live device (or a new one for REGISTER). */
    Base base() {
        int t = random.nextInt(10);
        if (t < 3) {
            if (random.nextInt(4) == 0) {
                TestDevice old = anyDrivable();
                TestDevice twin = new TestDevice(sat, old.pid, old.serial);
                return new Base(twin, twin.registerPayload(token, true), "csr");
            }
            TestDevice d = new TestDevice(sat, PIDS.get(random.nextInt(PIDS.size())), "FZ" + (++serials));
            return new Base(d, d.registerPayload(token, false), "csr");
        }
        TestDevice d = anyDrivable();
        ObjectNode p = switch (t) {
            case 3, 4 -> d.payload(MessageType.HELLO);
            case 5, 6, 7 -> authPayload(d);
            case 8 -> {
                ObjectNode renew = d.payload(MessageType.RENEW_ID_CERT);
                renew.put("csr", d.csr());
                yield renew;
            }
            default -> d.payload(MessageType.DEREGISTER);
        };
        return new Base(d, p, d.certSerial);
    }

    ObjectNode authPayload(TestDevice d) {
        ObjectNode p = d.payload(MessageType.AUTH_REQUEST);
        ArrayNode list = p.putArray("entitlements");
        List<String> tags = new ArrayList<>(TAGS);
        java.util.Collections.shuffle(tags, random);
        for (String tag : tags.subList(0, random.nextInt(tags.size() + 1))) {
            list.addObject().put("tag", tag).put("count", random.nextInt(4));
        }
        return p;
    }

    TestDevice anyDrivable() {
        List<TestDevice> all = new ArrayList<>(drivable.values());
        return all.get(random.nextInt(all.size()));
    }

    Probe probe(String kind, Base b, byte[] body, Set<String> codes, Expect expect) {
        return new Probe(kind, body, b.device(), null, codes, expect);
    }

    Probe probe(String kind, TestDevice d, ObjectNode payload, String keyId, KeyPair newKey, Expect expect) {
        String envelope = Envelope.sign(payload.toString(), d.key.getPrivate(), keyId).toJson();
        return new Probe(kind, utf8(envelope), d, newKey, null, expect);
    }

    static Probe raw(String kind, byte[] body, Set<String> codes) {
        return new Probe(kind, body, null, null, codes, Expect.NEVER_OK);
    }

    // ---------------------------------------------------------------- payload paths and values

    static List<String> paths(MessageType type) {
        List<String> paths = new ArrayList<>(List.of("message_type", "message_version", "timestamp", "nonce", "sudi",
                "sudi.udi_pid", "sudi.udi_serial_number", "sudi.udi_uuid"));
        switch (type) {
            case REGISTER -> paths.addAll(List.of("id_token", "csr", "software_tag_identifier", "hostname", "overwrite"));
            case RENEW_ID_CERT -> paths.addAll(List.of("product_instance_identifier", "csr", "hostname"));
            case AUTH_REQUEST -> paths.addAll(List.of("product_instance_identifier", "entitlements", "entitlements[0]",
                    "entitlements[0].tag", "entitlements[0].count"));
            default -> paths.add("product_instance_identifier");
        }
        return paths;
    }

    static List<String> stringPaths(MessageType type) {
        List<String> out = new ArrayList<>();
        for (String p : paths(type)) {
            if (!Set.of("timestamp", "sudi", "overwrite", "entitlements", "entitlements[0]", "entitlements[0].count").contains(p)) {
                out.add(p);
            }
        }
        out.add("x_extra");
        return out;
    }

    static void setPath(ObjectNode p, String path, JsonNode value) {
        if (path.startsWith("sudi.")) {
            if (!(p.get("sudi") instanceof ObjectNode)) {
                p.putObject("sudi");
            }
            ((ObjectNode) p.get("sudi")).set(path.substring(5), value);
        } else if (path.startsWith("entitlements[0]")) {
            if (!(p.get("entitlements") instanceof ArrayNode)) {
                p.putArray("entitlements");
            }
            ArrayNode list = (ArrayNode) p.get("entitlements");
            if (list.isEmpty()) {
                list.addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1);
            }
            if (path.equals("entitlements[0]")) {
                list.set(0, value);
            } else {
                if (!(list.get(0) instanceof ObjectNode)) {
                    list.set(0, NODES.objectNode().put("tag", NETWORK_ADVANTAGE).put("count", 1));
                }
                ((ObjectNode) list.get(0)).set(path.substring("entitlements[0].".length()), value);
            }
        } else {
            p.set(path, value);
        }
    }

    static final String[] KEYS = {"payload", "signature", "algorithm", "key_id", "value", "nonce", "message_type",
            "sudi", "tag", "count", "a", ""};

    JsonNode randomJson(int depth, boolean containers) {
        int kinds = depth <= 0 ? 8 : 10;
        int k = containers && depth > 0 ? 8 + random.nextInt(2) : random.nextInt(kinds);
        return switch (k) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(random.nextLong());
            case 4 -> NODES.numberNode(new BigInteger(100 + random.nextInt(100), random));
            case 5 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 6 -> NODES.textNode(randomUnicode(random.nextInt(20)).replaceAll("[\\uD800-\\uDFFF]", "?"));
            case 7 -> NODES.textNode("");
            case 8 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    a.add(randomJson(depth - 1, false));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    o.set(KEYS[random.nextInt(KEYS.length)], randomJson(depth - 1, false));
                }
                yield o;
            }
        };
    }

    String randomString(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Letters, digits, Latin-1, CJK, emoji, RTL, combining marks, invisible and control characters, lone surrogates. */
    String randomUnicode(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(12)) {
                case 0 -> sb.append((char) ('a' + random.nextInt(26)));
                case 1 -> sb.append((char) ('0' + random.nextInt(10)));
                case 2 -> sb.append((char) (0xA0 + random.nextInt(0x60)));
                case 3 -> sb.append((char) (0x4E00 + random.nextInt(0x5000)));
                case 4 -> sb.appendCodePoint(0x1F600 + random.nextInt(80));
                case 5 -> sb.append((char) (0x5D0 + random.nextInt(27)));
                case 6 -> sb.append((char) (0x627 + random.nextInt(20)));
                case 7 -> sb.append((char) (0x300 + random.nextInt(0x70)));
                case 8 -> sb.append("\u200D\uFEFF\u202E\u2028\u2029\uFFFF".charAt(random.nextInt(6)));
                case 9 -> sb.append((char) random.nextInt(0x20));
                case 10 -> sb.append((char) (0xD800 + random.nextInt(0x800)));
                default -> sb.append("\"\\/'<>&%".charAt(random.nextInt(8)));
            }
        }
        return sb.toString();
    }

    static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A JSON string literal with everything outside printable ASCII escaped, lone surrogates included. */
    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String excerpt(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() <= 600 ? s : s.substring(0, 300) + " …(" + body.length + " bytes)… " + s.substring(s.length() - 200);
    }
}
