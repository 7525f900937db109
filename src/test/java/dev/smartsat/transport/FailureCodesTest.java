package dev.smartsat.transport;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static dev.smartsat.transport.TestDevice.DNA_ADVANTAGE;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.OnEachCryptoProvider;
import dev.smartsat.TestSatellite;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.PemFiles;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Every failure code of SPEC §3's table, produced over real HTTPS. Each refusal must carry the table's
 * HTTP status, {@code status} FAILED, its {@code message_code}, a human message and the echoed nonce,
 * be signed by the satellite (TestDevice checks every answer), and change nothing: the devices,
 * licenses and tokens of both virtual accounts, the account's events and the CRL are compared before
 * and after each refused request.
 */
@OnEachCryptoProvider
class FailureCodesTest {
    @Parameter
    CryptoProvider provider;

    /** SPEC §3's failure codes with their HTTP statuses, written out here rather than taken from MessageCode. */
    static final Map<String, Integer> SPEC_HTTP = Map.ofEntries(
            Map.entry("MALFORMED", 400), Map.entry("BAD_SIGNATURE", 401), Map.entry("STALE_TIMESTAMP", 401),
            Map.entry("REPLAYED_NONCE", 401), Map.entry("TOKEN_INVALID", 403), Map.entry("TOKEN_EXPIRED", 403),
            Map.entry("TOKEN_REVOKED", 403), Map.entry("TOKEN_EXHAUSTED", 403), Map.entry("INSTANCE_EXISTS", 409),
            Map.entry("INSTANCE_UNKNOWN", 404), Map.entry("REGISTRATION_EXPIRED", 403),
            Map.entry("CERT_REVOKED", 403), Map.entry("TOO_LARGE", 413));
    static final String DEFAULT = ACCOUNT_PATH + "/virtual-accounts/Default";
    static final String LAB = ACCOUNT_PATH + "/virtual-accounts/Lab";
    static final int MAX_BODY = 64 * 1024;

    @TempDir
    Path dir;
    TestSatellite sat;
    String admin;
    /** Default, unlimited. */
    String token;
    /** Registered in Default, using 2 Network Advantage. */
    TestDevice device;
    /** Registered in Lab, using 1 DNA Advantage, its certificate renewed once (so the CRL is not empty). */
    TestDevice labDevice;
    int serials;

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir);
        admin = sat.adminToken();
        token = sat.createToken("Default", "{\"description\":\"failure codes\"}");
        device = registered(token);
        assertOk(device.authorize(Map.of(NETWORK_ADVANTAGE, 2L)));
        labDevice = registered(sat.createToken("Lab", "{\"description\":\"lab\",\"maxUses\":3}"));
        assertOk(labDevice.authorize(Map.of(DNA_ADVANTAGE, 1L)));
        assertOk(labDevice.renewSameKey("lab.example.com"));
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    // ---------------------------------------------------------------- MALFORMED 400

    @Test
    void malformedBodies() {
        String payload = device.payload(MessageType.HELLO).toString();
        String valid = Envelope.sign(payload, device.key.getPrivate(), device.certSerial).toJson();
        String signature = json(valid).get("signature").toString();
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("not JSON", "{\"payload\": ");
        bodies.put("an empty body", "");
        bodies.put("plain text", "hello satellite");
        bodies.put("a JSON array", "[" + valid + "]");
        bodies.put("a JSON string", TestDevice.JSON.valueToTree(valid).toString());
        bodies.put("JSON null", "null");
        bodies.put("a number", "42");
        bodies.put("trailing text after the envelope", valid + " {}");
        bodies.put("payload as an object, not a string", "{\"payload\":" + payload + ",\"signature\":" + signature + "}");
        bodies.put("payload as a number", "{\"payload\":5,\"signature\":" + signature + "}");
        bodies.put("payload null", "{\"payload\":null,\"signature\":" + signature + "}");
        bodies.put("payload missing", "{\"signature\":" + signature + "}");
        bodies.put("invalid UTF-8", null);
        for (var e : bodies.entrySet()) {
            if (e.getValue() == null) {
                byte[] bytes = {'{', '"', 'p', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', ':', '1', '}'};
                refused(e.getKey(), () -> postBytes(bytes), "MALFORMED", null);
            } else {
                refused(e.getKey(), () -> device.sendRaw(e.getValue()), "MALFORMED", null);
            }
        }
        // Correctly signed payloads that are not one JSON object: no nonce can be read.
        Map<String, String> payloads = new LinkedHashMap<>();
        payloads.put("payload not JSON", "not json at all");
        payloads.put("payload empty", "");
        payloads.put("payload a JSON array", "[" + payload + "]");
        payloads.put("payload a JSON string", "\"HELLO\"");
        payloads.put("payload null", "null");
        payloads.put("payload with trailing text", payload + "}");
        payloads.put("payload truncated", payload.substring(0, payload.length() - 1));
        for (var e : payloads.entrySet()) {
            refused(e.getKey(), () -> device.sendSigned(e.getValue(), device.certSerial), "MALFORMED", null);
        }
    }

    @Test
    void malformedPayloadFields() {
        List<Case> cases = new ArrayList<>();
        // missing fields
        for (String f : List.of("message_type", "message_version", "timestamp", "sudi", "product_instance_identifier")) {
            cases.add(new Case("HELLO without " + f, MessageType.HELLO, p -> p.remove(f), true));
        }
        cases.add(new Case("without sudi.udi_pid", MessageType.HELLO, p -> sudi(p).remove("udi_pid"), true));
        cases.add(new Case("without sudi.udi_serial_number", MessageType.HELLO,
                p -> sudi(p).remove("udi_serial_number"), true));
        for (String f : List.of("id_token", "csr", "sudi", "message_version")) {
            cases.add(new Case("REGISTER without " + f, MessageType.REGISTER, p -> p.remove(f), true));
        }
        cases.add(new Case("RENEW_ID_CERT without csr", MessageType.RENEW_ID_CERT, p -> p.remove("csr"), true));
        cases.add(new Case("AUTH_REQUEST without entitlements", MessageType.AUTH_REQUEST, p -> p.remove("entitlements"), true));
        // nulls and empty strings
        for (String f : List.of("message_type", "message_version", "timestamp", "sudi", "product_instance_identifier")) {
            cases.add(new Case("HELLO with " + f + " null", MessageType.HELLO, p -> p.putNull(f), true));
        }
        cases.add(new Case("REGISTER with id_token null", MessageType.REGISTER, p -> p.putNull("id_token"), true));
        cases.add(new Case("REGISTER with id_token empty", MessageType.REGISTER, p -> p.put("id_token", ""), true));
        cases.add(new Case("REGISTER with csr null", MessageType.REGISTER, p -> p.putNull("csr"), true));
        cases.add(new Case("AUTH_REQUEST with entitlements null", MessageType.AUTH_REQUEST,
                p -> p.putNull("entitlements"), true));
        // wrong types
        cases.add(new Case("message_type a number", MessageType.HELLO, p -> p.put("message_type", 5), true));
        cases.add(new Case("message_version a number", MessageType.HELLO, p -> p.put("message_version", 1.3), true));
        cases.add(new Case("message_version 2.0", MessageType.HELLO, p -> p.put("message_version", "2.0"), true));
        cases.add(new Case("timestamp a string", MessageType.HELLO,
                p -> p.put("timestamp", Long.toString(p.get("timestamp").asLong())), true));
        cases.add(new Case("timestamp a fraction", MessageType.HELLO,
                p -> p.put("timestamp", p.get("timestamp").asLong() + 0.5), true));
        cases.add(new Case("timestamp negative", MessageType.HELLO, p -> p.put("timestamp", -1), true));
        cases.add(new Case("timestamp beyond a long", MessageType.HELLO,
                p -> p.put("timestamp", new java.math.BigInteger("123456789012345678901234567890")), true));
        cases.add(new Case("sudi a string", MessageType.HELLO, p -> p.put("sudi", "P:C9300,S:FOC1"), true));
        cases.add(new Case("sudi an array", MessageType.HELLO, p -> p.putArray("sudi").add("C9300"), true));
        cases.add(new Case("sudi.udi_pid a number", MessageType.HELLO, p -> sudi(p).put("udi_pid", 9300), true));
        cases.add(new Case("sudi.udi_uuid a number", MessageType.HELLO, p -> sudi(p).put("udi_uuid", 7), true));
        cases.add(new Case("product_instance_identifier a number", MessageType.HELLO,
                p -> p.put("product_instance_identifier", 7), true));
        cases.add(new Case("product_instance_identifier an object", MessageType.HELLO,
                p -> p.putObject("product_instance_identifier"), true));
        cases.add(new Case("overwrite a string", MessageType.REGISTER, p -> p.put("overwrite", "true"), true));
        cases.add(new Case("overwrite a number", MessageType.REGISTER, p -> p.put("overwrite", 1), true));
        cases.add(new Case("hostname a number", MessageType.REGISTER, p -> p.put("hostname", 12), true));
        cases.add(new Case("id_token a boolean", MessageType.REGISTER, p -> p.put("id_token", true), true));
        cases.add(new Case("csr an array", MessageType.REGISTER, p -> p.putArray("csr"), true));
        cases.add(new Case("software_tag_identifier an object", MessageType.REGISTER,
                p -> p.putObject("software_tag_identifier"), true));
        cases.add(new Case("entitlements an object", MessageType.AUTH_REQUEST,
                p -> p.putObject("entitlements").put("tag", NETWORK_ADVANTAGE), true));
        cases.add(new Case("an entitlement not an object", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().add(NETWORK_ADVANTAGE), true));
        cases.add(new Case("entitlement tag a number", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().addObject().put("tag", 1).put("count", 1), true));
        cases.add(new Case("entitlement count a string", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().addObject().put("tag", NETWORK_ADVANTAGE).put("count", "1"), true));
        cases.add(new Case("entitlement count negative", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().addObject().put("tag", NETWORK_ADVANTAGE).put("count", -1), true));
        cases.add(new Case("entitlement count a fraction", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1.5), true));
        cases.add(new Case("entitlement count over 10^9", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1_000_000_001L), true));
        cases.add(new Case("entitlement without a count", MessageType.AUTH_REQUEST,
                p -> entitlements(p).removeAll().addObject().put("tag", NETWORK_ADVANTAGE), true));
        cases.add(new Case("entitlement tag listed twice", MessageType.AUTH_REQUEST, p -> {
            entitlements(p).addObject().put("tag", NETWORK_ADVANTAGE).put("count", 1);
        }, true));
        cases.add(new Case("201 entitlements", MessageType.AUTH_REQUEST, p -> {
            ArrayNode list = entitlements(p).removeAll();
            for (int i = 0; i < 201; i++) {
                list.addObject().put("tag", "regid.2099-01.com.cisco.T" + i + ",1.0_x").put("count", 1);
            }
        }, true));
        // over-long and control characters
        cases.add(new Case("hostname over 255 characters", MessageType.REGISTER, p -> p.put("hostname", "h".repeat(256)), true));
        cases.add(new Case("hostname with a control character", MessageType.REGISTER,
                p -> p.put("hostname", "host\u0001.example.com"), true));
        cases.add(new Case("id_token over 500 characters", MessageType.REGISTER, p -> p.put("id_token", "t".repeat(501)), true));
        cases.add(new Case("software_tag_identifier over 300 characters", MessageType.REGISTER,
                p -> p.put("software_tag_identifier", "s".repeat(301)), true));
        cases.add(new Case("RENEW_ID_CERT hostname over 255", MessageType.RENEW_ID_CERT,
                p -> p.put("hostname", "h".repeat(256)), true));
        // bad nonces: nothing to echo
        cases.add(new Case("nonce missing", MessageType.HELLO, p -> p.remove("nonce"), false));
        cases.add(new Case("nonce null", MessageType.HELLO, p -> p.putNull("nonce"), false));
        cases.add(new Case("nonce a number", MessageType.HELLO, p -> p.put("nonce", 1234567890123456789L), false));
        cases.add(new Case("nonce an array", MessageType.HELLO, p -> p.putArray("nonce").add("abcdefghijklmnop"), false));
        cases.add(new Case("nonce empty", MessageType.HELLO, p -> p.put("nonce", ""), false));
        cases.add(new Case("nonce of 15 characters", MessageType.HELLO, p -> p.put("nonce", "a".repeat(15)), false));
        cases.add(new Case("nonce of 65 characters", MessageType.HELLO, p -> p.put("nonce", "a".repeat(65)), false));
        cases.add(new Case("nonce with dashes", MessageType.HELLO, p -> p.put("nonce", "abcd-efgh-ijkl-mnop"), false));
        cases.add(new Case("nonce with non-ASCII letters", MessageType.HELLO, p -> p.put("nonce", "äbcdefghijklmnopq"), false));
        cases.add(new Case("REGISTER nonce too short", MessageType.REGISTER, p -> p.put("nonce", "short"), false));
        // bad sudi
        cases.add(new Case("udi_pid empty", MessageType.HELLO, p -> sudi(p).put("udi_pid", ""), true));
        cases.add(new Case("udi_pid with a space", MessageType.HELLO, p -> sudi(p).put("udi_pid", "C9300 48P"), true));
        cases.add(new Case("udi_pid of 65 characters", MessageType.HELLO, p -> sudi(p).put("udi_pid", "P".repeat(65)), true));
        cases.add(new Case("udi_serial_number with #", MessageType.HELLO, p -> sudi(p).put("udi_serial_number", "FOC#1"), true));
        cases.add(new Case("udi_serial_number unicode", MessageType.REGISTER,
                p -> sudi(p).put("udi_serial_number", "FOC\u00e91"), true));
        cases.add(new Case("udi_uuid over 100 characters", MessageType.REGISTER,
                p -> sudi(p).put("udi_uuid", "u".repeat(101)), true));
        // unknown message types
        for (String t : List.of("FOO", "hello", "", "REGISTER ", "HELLO\u0000")) {
            cases.add(new Case("message_type \"" + t + "\"", MessageType.HELLO, p -> p.put("message_type", t), true));
        }
        // bad product_instance_identifier
        for (String piid : List.of("not-a-uuid", "", "12345", UUID.randomUUID() + "0", "g" + UUID.randomUUID().toString().substring(1))) {
            cases.add(new Case("product_instance_identifier \"" + piid + "\"", MessageType.AUTH_REQUEST,
                    p -> p.put("product_instance_identifier", piid), true));
        }
        // bad CSRs
        cases.add(new Case("csr not PEM", MessageType.REGISTER, p -> p.put("csr", "garbage"), true));
        cases.add(new Case("csr a certificate", MessageType.REGISTER,
                p -> p.put("csr", PemFiles.toPem(device.certificate)), true));
        cases.add(new Case("csr truncated", MessageType.REGISTER, p -> {
            String csr = p.get("csr").asText();
            p.put("csr", csr.substring(0, csr.length() / 2) + "\n-----END CERTIFICATE REQUEST-----\n");
        }, true));
        cases.add(new Case("csr over 8 KiB", MessageType.REGISTER,
                p -> p.put("csr", p.get("csr").asText() + " ".repeat(9000)), true));
        cases.add(new Case("RENEW_ID_CERT csr not PEM", MessageType.RENEW_ID_CERT, p -> p.put("csr", "garbage"), true));
        cases.add(new Case("RENEW_ID_CERT csr whose own signature is wrong", MessageType.RENEW_ID_CERT,
                p -> p.put("csr", csr(device.key.getPublic(), Crypto.generateP256KeyPair().getPrivate())), true));
        cases.add(new Case("RENEW_ID_CERT csr of a P-384 key", MessageType.RENEW_ID_CERT, p -> {
            KeyPair p384 = p384();
            p.put("csr", csr(p384.getPublic(), p384.getPrivate()));
        }, true));

        for (Case c : cases) {
            TestDevice d = c.type() == MessageType.REGISTER ? fresh() : device;
            ObjectNode p = basePayload(d, c.type());
            c.mutate().accept(p);
            String nonce = c.echoNonce() ? p.get("nonce").asText() : null;
            String keyId = c.type() == MessageType.REGISTER ? "csr" : d.certSerial;
            refused(c.name(), () -> d.sendSigned(p.toString(), keyId), "MALFORMED", nonce);
        }
    }

    /** A REGISTER whose CSR the envelope's signature verifies with, but which is no valid P-256 CSR. */
    @Test
    void malformedCsrsThatSignTheirOwnRequest() {
        KeyPair p384 = p384();
        TestDevice big = fresh();
        big.key = p384;
        ObjectNode p = big.registerPayload(token, false);
        refused("REGISTER with a P-384 CSR", () -> big.send(p), "MALFORMED", p.get("nonce").asText());

        TestDevice crooked = fresh();
        ObjectNode q = crooked.registerPayload(token, false);
        q.put("csr", csr(crooked.key.getPublic(), Crypto.generateP256KeyPair().getPrivate()));
        refused("REGISTER with a CSR whose own signature is wrong", () -> crooked.send(q), "MALFORMED",
                q.get("nonce").asText());
    }

    /**
     * SPEC §3: the answer echoes the request's nonce, null only "when it is missing or not a valid nonce".
     * A broken signature block leaves the payload, and its nonce, perfectly readable.
     */
    @Test
    void malformedEnvelopeAroundAReadablePayloadEchoesTheNonce() {
        Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
        cases.put("signature missing", e -> e.remove("signature"));
        cases.put("signature null", e -> e.putNull("signature"));
        cases.put("signature an array", e -> e.putArray("signature"));
        cases.put("signature a string", e -> e.put("signature", "MEUCIQ"));
        cases.put("signature.value empty", e -> sig(e).put("value", ""));
        cases.put("signature.value a number", e -> sig(e).put("value", 3));
        cases.put("signature.key_id missing", e -> sig(e).remove("key_id"));
        cases.put("signature.algorithm missing", e -> sig(e).remove("algorithm"));
        List<Executable> checks = new ArrayList<>();
        for (var c : cases.entrySet()) {
            ObjectNode p = device.payload(MessageType.HELLO);
            ObjectNode envelope = envelope(p.toString(), device.key.getPrivate(), device.certSerial);
            c.getValue().accept(envelope);
            checks.add(() -> refused(c.getKey(), () -> device.sendRaw(envelope.toString()), "MALFORMED", nonce(p)));
        }
        assertAll(checks);
    }

    /**
     * SPEC §3 checks "envelope and payload shape" before the timestamp, the instance lookup and the
     * signature; docs/transport.md counts each message's own fields (REGISTER's id_token and csr,
     * RENEW_ID_CERT's csr, AUTH_REQUEST's entitlements) as part of that shape.
     */
    @Test
    void messageFieldsAreShapeCheckedBeforeTimestampInstanceAndSignature() {
        long stale = sat.server().clock().millis() - Duration.ofMinutes(61).toMillis();
        KeyPair stranger = Crypto.generateP256KeyPair();

        ObjectNode a = device.payload(MessageType.AUTH_REQUEST);
        a.put("timestamp", stale);
        ObjectNode b = device.payload(MessageType.AUTH_REQUEST);
        b.put("product_instance_identifier", UUID.randomUUID().toString());
        b.put("entitlements", "all of them");
        ObjectNode c = device.payload(MessageType.RENEW_ID_CERT);
        c.put("csr", "garbage");
        ObjectNode e = device.payload(MessageType.RENEW_ID_CERT);
        e.put("csr", "garbage");
        e.put("timestamp", stale);
        TestDevice f = fresh();
        ObjectNode d = f.registerPayload(token, false);
        d.remove("id_token");
        d.put("timestamp", stale);
        ObjectNode g = f.registerPayload(token, false);
        g.put("csr", "garbage");
        g.put("timestamp", stale);
        assertAll(
                () -> refused("AUTH_REQUEST without entitlements and a stale timestamp", () -> device.send(a),
                        "MALFORMED", nonce(a)),
                () -> refused("AUTH_REQUEST with entitlements a string from an unknown instance", () -> device.send(b),
                        "MALFORMED", nonce(b)),
                () -> refused("RENEW_ID_CERT with a bad csr and a wrong signature", () -> device.sendRaw(
                        Envelope.sign(c.toString(), stranger.getPrivate(), device.certSerial).toJson()),
                        "MALFORMED", nonce(c)),
                () -> refused("RENEW_ID_CERT with a bad csr and a stale timestamp", () -> device.send(e),
                        "MALFORMED", nonce(e)),
                () -> refused("REGISTER without id_token and a stale timestamp", () -> f.send(d), "MALFORMED", nonce(d)),
                () -> refused("REGISTER with a bad csr and a stale timestamp", () -> f.send(g), "MALFORMED", nonce(g)));
    }

    // ---------------------------------------------------------------- BAD_SIGNATURE 401

    @Test
    void badSignature() {
        KeyPair other = Crypto.generateP256KeyPair();
        Random random = new Random(7);

        ObjectNode p1 = device.payload(MessageType.HELLO);
        refused("signed with another key", () -> device.sendRaw(
                Envelope.sign(p1.toString(), other.getPrivate(), device.certSerial).toJson()), "BAD_SIGNATURE", nonce(p1));

        ObjectNode p2 = authPayload(device, 2);
        Envelope signed = Envelope.sign(p2.toString(), device.key.getPrivate(), device.certSerial);
        ObjectNode tampered = p2.deepCopy();
        ((ObjectNode) tampered.get("entitlements").get(0)).put("count", 20);
        refused("payload changed after signing", () -> device.sendRaw(
                new Envelope(tampered.toString(), signed.signature()).toJson()), "BAD_SIGNATURE", nonce(p2));
        refused("payload re-serialized after signing (one space added)", () -> device.sendRaw(
                new Envelope(p2.toString().replaceFirst(",", ", "), signed.signature()).toJson()), "BAD_SIGNATURE", nonce(p2));

        ObjectNode p3 = device.payload(MessageType.HELLO);
        refused("key_id not the certificate serial", () -> device.sendSigned(p3.toString(), "deadbeef01"),
                "BAD_SIGNATURE", nonce(p3));
        refused("key_id \"csr\" on a HELLO", () -> device.sendSigned(p3.toString(), "csr"), "BAD_SIGNATURE", nonce(p3));
        refused("key_id of another instance's certificate, signed with its key", () -> device.sendRaw(
                Envelope.sign(p3.toString(), labDevice.key.getPrivate(), labDevice.certSerial).toJson()),
                "BAD_SIGNATURE", nonce(p3));

        ObjectNode p4 = device.payload(MessageType.HELLO);
        Map<String, Consumer<ObjectNode>> envelopes = new LinkedHashMap<>();
        envelopes.put("signature value not base64", e -> sig(e).put("value", "!!not base64!!"));
        envelopes.put("signature value random bytes", e -> {
            byte[] junk = new byte[71];
            random.nextBytes(junk);
            sig(e).put("value", Base64.getEncoder().encodeToString(junk));
        });
        envelopes.put("signature value of another payload", e -> sig(e).put("value",
                json(Envelope.sign("{}", device.key.getPrivate(), device.certSerial).toJson()).get("signature").get("value").asText()));
        envelopes.put("algorithm SHA512withECDSA", e -> sig(e).put("algorithm", "SHA512withECDSA"));
        envelopes.put("algorithm SHA256withRSA", e -> sig(e).put("algorithm", "SHA256withRSA"));
        for (var c : envelopes.entrySet()) {
            ObjectNode envelope = envelope(p4.toString(), device.key.getPrivate(), device.certSerial);
            c.getValue().accept(envelope);
            refused(c.getKey(), () -> device.sendRaw(envelope.toString()), "BAD_SIGNATURE", nonce(p4));
        }

        TestDevice f = fresh();
        ObjectNode r = f.registerPayload(token, false);
        refused("REGISTER with key_id \"abc\"", () -> f.sendSigned(r.toString(), "abc"), "BAD_SIGNATURE", nonce(r));
        refused("REGISTER with key_id \"CSR\"", () -> f.sendSigned(r.toString(), "CSR"), "BAD_SIGNATURE", nonce(r));
        refused("REGISTER with key_id a certificate serial", () -> f.sendSigned(r.toString(), device.certSerial),
                "BAD_SIGNATURE", nonce(r));
        refused("REGISTER signed with a key other than the CSR's", () -> f.sendRaw(
                Envelope.sign(r.toString(), other.getPrivate(), "csr").toJson()), "BAD_SIGNATURE", nonce(r));
        ObjectNode moved = r.deepCopy();
        moved.put("id_token", sat.createToken("Lab", "{}"));
        Envelope registerSigned = Envelope.sign(r.toString(), f.key.getPrivate(), "csr");
        refused("REGISTER with its token swapped after signing", () -> f.sendRaw(
                new Envelope(moved.toString(), registerSigned.signature()).toJson()), "BAD_SIGNATURE", nonce(r));
        // and the untouched request still registers: none of the above consumed its nonce
        assertOk(f.send(r));
    }

    // ---------------------------------------------------------------- STALE_TIMESTAMP 401

    @Test
    void staleTimestamp() {
        for (long minutes : new long[] {61, -61, 24 * 60, -24 * 60}) {
            long ts = sat.server().clock().millis() + Duration.ofMinutes(minutes).toMillis();
            ObjectNode hello = device.payload(MessageType.HELLO);
            hello.put("timestamp", ts);
            assertServerTime(refused("HELLO " + minutes + " min off", () -> device.send(hello), "STALE_TIMESTAMP",
                    nonce(hello)));

            TestDevice f = fresh();
            ObjectNode register = f.registerPayload(token, false);
            register.put("timestamp", ts);
            assertServerTime(refused("REGISTER " + minutes + " min off", () -> f.send(register), "STALE_TIMESTAMP",
                    nonce(register)));

            ObjectNode auth = authPayload(device, 3);
            auth.put("timestamp", ts);
            assertServerTime(refused("AUTH_REQUEST " + minutes + " min off", () -> device.send(auth), "STALE_TIMESTAMP",
                    nonce(auth)));

            // the timestamp is checked before the instance is looked up
            ObjectNode unknown = device.payload(MessageType.HELLO);
            unknown.put("product_instance_identifier", UUID.randomUUID().toString());
            unknown.put("timestamp", ts);
            assertServerTime(refused("HELLO of an unknown instance " + minutes + " min off", () -> device.send(unknown),
                    "STALE_TIMESTAMP", nonce(unknown)));
        }
        ObjectNode epoch = device.payload(MessageType.HELLO);
        epoch.put("timestamp", 0);
        assertServerTime(refused("HELLO at the epoch", () -> device.send(epoch), "STALE_TIMESTAMP", nonce(epoch)));

        // within the hour is fine
        for (long minutes : new long[] {59, -59}) {
            ObjectNode hello = device.payload(MessageType.HELLO);
            hello.put("timestamp", sat.server().clock().millis() + Duration.ofMinutes(minutes).toMillis());
            assertOk(device.send(hello));
        }
    }

    private void assertServerTime(TestDevice.Answer a) {
        JsonNode serverTime = a.data() == null ? null : a.data().get("server_time");
        assertNotNull(serverTime, "STALE_TIMESTAMP carries data.server_time: " + a);
        Instant told = Instant.parse(serverTime.asText());
        Instant now = sat.server().clock().instant();
        assertTrue(Duration.between(told, now).abs().compareTo(Duration.ofSeconds(10)) < 0,
                "server_time " + told + " is not the server clock " + now);
        Instant stamped = Instant.ofEpochMilli(a.payload().get("timestamp").asLong());
        assertTrue(Duration.between(stamped, now).abs().compareTo(Duration.ofSeconds(10)) < 0,
                "the answer's timestamp " + stamped + " is not the server clock " + now);
    }

    // ---------------------------------------------------------------- REPLAYED_NONCE 401

    @Test
    void replayedNonce() {
        ObjectNode hello = device.payload(MessageType.HELLO);
        String envelope = Envelope.sign(hello.toString(), device.key.getPrivate(), device.certSerial).toJson();
        assertOk(device.sendRaw(envelope));
        refused("the same HELLO again", () -> device.sendRaw(envelope), "REPLAYED_NONCE", nonce(hello));

        ObjectNode hello2 = device.payload(MessageType.HELLO);
        hello2.put("nonce", nonce(hello));
        refused("a new HELLO with a used nonce", () -> device.send(hello2), "REPLAYED_NONCE", nonce(hello));

        ObjectNode auth = authPayload(device, 5);
        auth.put("nonce", nonce(hello));
        refused("an AUTH_REQUEST with the HELLO's nonce", () -> device.send(auth), "REPLAYED_NONCE", nonce(hello));

        ObjectNode dereg = device.payload(MessageType.DEREGISTER);
        dereg.put("nonce", nonce(hello));
        refused("a DEREGISTER with the HELLO's nonce", () -> device.send(dereg), "REPLAYED_NONCE", nonce(hello));

        // nonces are per instance: another instance may use the same one
        ObjectNode other = labDevice.payload(MessageType.HELLO);
        other.put("nonce", nonce(hello));
        assertOk(labDevice.send(other));

        // REGISTER: nonces are remembered per UDI; a refused REGISTER records nothing, so replay a successful one
        TestDevice f = fresh();
        ObjectNode register = f.registerPayload(token, false);
        String registerEnvelope = Envelope.sign(register.toString(), f.key.getPrivate(), "csr").toJson();
        assertOk(f.sendRaw(registerEnvelope));
        refused("the same REGISTER again", () -> f.sendRaw(registerEnvelope), "REPLAYED_NONCE", nonce(register));
        TestDevice same = new TestDevice(sat, f.pid, f.serial);
        ObjectNode again = same.registerPayload(token, true);
        again.put("nonce", nonce(register));
        refused("a REGISTER with overwrite=true reusing the UDI's nonce", () -> same.send(again), "REPLAYED_NONCE",
                nonce(register));
        ObjectNode elsewhere = same.registerPayload(sat.createToken("Lab", "{}"), true);
        elsewhere.put("nonce", nonce(register));
        refused("a REGISTER into another virtual account reusing the UDI's nonce", () -> same.send(elsewhere),
                "REPLAYED_NONCE", nonce(register));
        // ... while another UDI may use it
        TestDevice g = fresh();
        ObjectNode otherUdi = g.registerPayload(token, false);
        otherUdi.put("nonce", nonce(register));
        assertOk(g.send(otherUdi));
    }

    // ---------------------------------------------------------------- TOKEN_* 403

    @Test
    void tokenInvalid() {
        TestDevice f = fresh();
        ObjectNode p = f.registerPayload("NoSuchToken0123456789", false);
        refused("an unknown token", () -> f.send(p), "TOKEN_INVALID", nonce(p));

        String removed = sat.createToken("Default", "{\"description\":\"to be removed\"}");
        assertEquals(204, sat.delete(DEFAULT + "/tokens/" + removed, admin).status());
        ObjectNode q = f.registerPayload(removed, false);
        refused("a removed token", () -> f.send(q), "TOKEN_INVALID", nonce(q));

        ObjectNode r = f.registerPayload(token + "x", false);
        refused("a token with a character appended", () -> f.send(r), "TOKEN_INVALID", nonce(r));
        ObjectNode s = f.registerPayload(token.toUpperCase().equals(token) ? token.toLowerCase() : token.toUpperCase(), false);
        if (!s.get("id_token").asText().equals(token)) {
            refused("a token in another case", () -> f.send(s), "TOKEN_INVALID", nonce(s));
        }
    }

    @Test
    void tokenExpired() {
        String shortLived = sat.createToken("Default", "{\"description\":\"one day\",\"expiresAfterDays\":1}");
        advance("P2D");
        TestDevice f = fresh();
        ObjectNode p = f.registerPayload(shortLived, false);
        refused("a token expired a day ago", () -> f.send(p), "TOKEN_EXPIRED", nonce(p));
        TestDevice twin = new TestDevice(sat, device.pid, device.serial);
        ObjectNode q = twin.registerPayload(shortLived, true);
        refused("an expired token with overwrite=true", () -> twin.send(q), "TOKEN_EXPIRED", nonce(q));
    }

    @Test
    void tokenRevoked() {
        String revoked = sat.createToken("Default", "{\"description\":\"revoked\"}");
        assertEquals(200, sat.post(DEFAULT + "/tokens/" + revoked + "/revoke", admin, "").status());
        TestDevice f = fresh();
        ObjectNode p = f.registerPayload(revoked, false);
        refused("a revoked token", () -> f.send(p), "TOKEN_REVOKED", nonce(p));

        String used = sat.createToken("Default", "{\"description\":\"used, then revoked\",\"maxUses\":1}");
        assertOk(fresh().register(used));
        assertEquals(200, sat.post(DEFAULT + "/tokens/" + used + "/revoke", admin, "").status());
        ObjectNode q = f.registerPayload(used, false);
        refused("a revoked and exhausted token (revoked wins)", () -> f.send(q), "TOKEN_REVOKED", nonce(q));
    }

    @Test
    void tokenExhausted() {
        String once = sat.createToken("Default", "{\"description\":\"once\",\"maxUses\":1}");
        TestDevice first = fresh();
        assertOk(first.register(once));
        TestDevice f = fresh();
        ObjectNode p = f.registerPayload(once, false);
        refused("a token used its one time", () -> f.send(p), "TOKEN_EXHAUSTED", nonce(p));
        TestDevice again = new TestDevice(sat, first.pid, first.serial);
        ObjectNode q = again.registerPayload(once, true);
        refused("an exhausted token with overwrite=true", () -> again.send(q), "TOKEN_EXHAUSTED", nonce(q));
    }

    // ---------------------------------------------------------------- INSTANCE_EXISTS 409

    @Test
    void instanceExists() {
        TestDevice twin = new TestDevice(sat, device.pid, device.serial);
        ObjectNode p = twin.registerPayload(token, false);
        TestDevice.Answer a = refused("a second REGISTER of a registered UDI", () -> twin.send(p), "INSTANCE_EXISTS",
                nonce(p));
        assertTrue(a.payload().get("message").asText().contains("overwrite"), a.toString());

        ObjectNode q = twin.registerPayload(token, false);
        q.remove("overwrite");
        a = refused("overwrite left out", () -> twin.send(q), "INSTANCE_EXISTS", nonce(q));
        assertTrue(a.payload().get("message").asText().contains("overwrite"), a.toString());

        ObjectNode r = twin.registerPayload(sat.createToken("Lab", "{}"), false);
        r.putNull("overwrite");
        a = refused("overwrite null, with another account's token", () -> twin.send(r), "INSTANCE_EXISTS", nonce(r));
        assertTrue(a.payload().get("message").asText().contains("overwrite"), a.toString());
    }

    // ---------------------------------------------------------------- INSTANCE_UNKNOWN 404

    @Test
    void instanceUnknown() {
        TestDevice deregistered = registered(token);
        assertOk(deregistered.authorize(Map.of(NETWORK_ADVANTAGE, 1L)));
        assertOk(deregistered.deregister());
        unknown("HELLO after DEREGISTER", deregistered::hello, ANY_NONCE);
        unknown("AUTH_REQUEST after DEREGISTER", () -> deregistered.authorize(Map.of(NETWORK_ADVANTAGE, 1L)), ANY_NONCE);
        unknown("DEREGISTER after DEREGISTER", deregistered::deregister, ANY_NONCE);

        TestDevice removed = registered(token);
        assertEquals(204, sat.delete(DEFAULT + "/devices/" + removed.piid, admin).status());
        unknown("AUTH_REQUEST after removal", () -> removed.authorize(Map.of(NETWORK_ADVANTAGE, 1L)), ANY_NONCE);
        unknown("RENEW_ID_CERT after removal", () -> removed.renewSameKey(null), ANY_NONCE);

        TestDevice never = fresh();
        never.piid = UUID.randomUUID().toString();
        never.certSerial = "1a2b3c4d5e6f";
        unknown("HELLO of an instance never registered", never::hello, ANY_NONCE);
        ObjectNode p = never.payload(MessageType.HELLO);
        unknown("never registered, key_id csr", () -> never.sendSigned(p.toString(), "csr"), nonce(p));

        TestDevice replaced = registered(token);
        TestDevice successor = new TestDevice(sat, replaced.pid, replaced.serial);
        assertOk(successor.register(token, true));
        unknown("HELLO with the identifier an overwrite replaced", replaced::hello, ANY_NONCE);
    }

    private void unknown(String what, Supplier<TestDevice.Answer> request, String nonce) {
        TestDevice.Answer a = refused(what, request, "INSTANCE_UNKNOWN", nonce);
        assertTrue(a.payload().get("message").asText().contains("re-register"), a.toString());
    }

    // ---------------------------------------------------------------- REGISTRATION_EXPIRED 403

    @Test
    void registrationExpired() {
        advance("P366D");
        refused("AUTH_REQUEST 366 days after registration", () -> device.authorize(Map.of(NETWORK_ADVANTAGE, 2L)),
                "REGISTRATION_EXPIRED", ANY_NONCE);
        refused("RENEW_ID_CERT 366 days after registration", () -> device.renewSameKey(null), "REGISTRATION_EXPIRED", ANY_NONCE);
        refused("RENEW_ID_CERT with a new key 366 days after registration", device::renewWithNewKey,
                "REGISTRATION_EXPIRED", ANY_NONCE);
    }

    // ---------------------------------------------------------------- CERT_REVOKED 403

    @Test
    void certRevoked() {
        String oldSerial = device.certSerial;
        assertOk(device.renewSameKey(null));
        ObjectNode p = device.payload(MessageType.HELLO);
        refused("HELLO signed with the replaced certificate (same key)", () -> device.sendSigned(p.toString(), oldSerial),
                "CERT_REVOKED", nonce(p));
        ObjectNode q = authPayload(device, 1);
        refused("AUTH_REQUEST signed with the replaced certificate (same key)",
                () -> device.sendSigned(q.toString(), oldSerial.toUpperCase()), "CERT_REVOKED", nonce(q));

        KeyPair oldKey = labDevice.key;
        String labOld = labDevice.certSerial;
        assertOk(labDevice.renewWithNewKey());
        ObjectNode r = labDevice.payload(MessageType.RENEW_ID_CERT);
        r.put("csr", labDevice.csr());
        refused("RENEW_ID_CERT signed with the old key and certificate", () -> labDevice.sendRaw(
                Envelope.sign(r.toString(), oldKey.getPrivate(), labOld).toJson()), "CERT_REVOKED", nonce(r));
        ObjectNode s = labDevice.payload(MessageType.DEREGISTER);
        refused("DEREGISTER signed with the old key and certificate", () -> labDevice.sendRaw(
                Envelope.sign(s.toString(), oldKey.getPrivate(), labOld).toJson()), "CERT_REVOKED", nonce(s));
        // the old serial with the new key does not verify at all
        refused("the old serial with the new key", () -> labDevice.sendSigned(s.toString(), labOld), "BAD_SIGNATURE",
                nonce(s));
        // and the current certificate still works
        assertOk(device.hello());
        assertOk(labDevice.hello());
    }

    // ---------------------------------------------------------------- TOO_LARGE 413

    @Test
    void tooLarge() {
        TestDevice f = fresh();
        ObjectNode p = f.registerPayload(token, false);
        p.put("hostname", "h".repeat(70_000));
        String big = Envelope.sign(p.toString(), f.key.getPrivate(), "csr").toJson();
        refused("a 70 kB REGISTER", () -> f.sendRaw(big), "TOO_LARGE", null);
        refused("a 70 kB REGISTER, chunked", () -> postChunked(big.getBytes(StandardCharsets.UTF_8)), "TOO_LARGE", null);
        String huge = "{\"payload\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        refused("a 2 MB body", () -> device.sendRaw(huge), "TOO_LARGE", null);

        // the limit is exactly 64 KiB: a HELLO padded with whitespace to 65,536 bytes is served
        ObjectNode hello = device.payload(MessageType.HELLO);
        String envelope = Envelope.sign(hello.toString(), device.key.getPrivate(), device.certSerial).toJson();
        String atLimit = pad(envelope, MAX_BODY);
        assertEquals(MAX_BODY, atLimit.getBytes(StandardCharsets.UTF_8).length);
        String overLimit = pad(envelope, MAX_BODY + 1);
        refused("a HELLO padded to 65,537 bytes", () -> device.sendRaw(overLimit), "TOO_LARGE", null);
        refused("a HELLO padded to 65,537 bytes, chunked",
                () -> postChunked(overLimit.getBytes(StandardCharsets.UTF_8)), "TOO_LARGE", null);
        assertOk(device.sendRaw(atLimit));
    }

    private static String pad(String envelope, int size) {
        int missing = size - envelope.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(missing >= 0);
        return "{" + " ".repeat(missing) + envelope.substring(1);
    }

    // ---------------------------------------------------------------- OK_TRY_AGAIN 503 and delays

    @Test
    void injectedFaultAnswersTryAgainThenClears() {
        assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{\"transport\":{\"failRate\":1.0}}").status());
        ObjectNode hello = device.payload(MessageType.HELLO);
        String envelope = Envelope.sign(hello.toString(), device.key.getPrivate(), device.certSerial).toJson();
        List<Supplier<TestDevice.Answer>> requests = List.of(
                () -> device.sendRaw(envelope),
                () -> device.authorize(Map.of(NETWORK_ADVANTAGE, 7L)),
                () -> fresh().register(token),
                () -> device.deregister());
        for (Supplier<TestDevice.Answer> request : requests) {
            Snapshot before = snapshot();
            TestDevice.Answer a = request.get();
            assertEquals(503, a.http(), a.toString());
            assertEquals("OK_TRY_AGAIN", a.status(), a.toString());
            String retryAfter = a.raw().headers().firstValue("Retry-After").orElse(null);
            assertNotNull(retryAfter, "OK_TRY_AGAIN carries Retry-After: " + a.raw().headers().map());
            assertTrue(Integer.parseInt(retryAfter.trim()) >= 0, retryAfter);
            assertTrue(a.payload().get("nonce").isTextual(), "the nonce is echoed: " + a);
            assertSame(before, snapshot(), "OK_TRY_AGAIN");
        }
        assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{}").status());
        // the very request refused is now served: the fault consumed nothing, not even its nonce
        assertOk(device.sendRaw(envelope));
        assertOk(device.authorize(Map.of(NETWORK_ADVANTAGE, 2L)));
        assertOk(fresh().register(token));
    }

    @Test
    void injectedDelaySlowsRequestsDown() {
        long delay = 400;
        assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin,
                "{\"transport\":{\"delayMs\":" + delay + "}}").status());
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            assertOk(device.hello());
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs >= delay, "took " + tookMs + " ms with a " + delay + " ms delay");
        }
        assertEquals(200, sat.post("/backend/api/v1/sim/faults", admin, "{}").status());
        assertOk(device.hello());
    }

    // ---------------------------------------------------------------- helpers

    record Case(String name, MessageType type, Consumer<ObjectNode> mutate, boolean echoNonce) {}

    /** What a refused request must leave untouched. */
    record Snapshot(Map<String, JsonNode> views, long events, int revoked) {}

    Snapshot snapshot() {
        Map<String, JsonNode> views = new LinkedHashMap<>();
        for (String va : List.of(DEFAULT, LAB)) {
            views.put(va + "/devices", get(va + "/devices?limit=1000"));
            views.put(va + "/licenses", get(va + "/licenses"));
            views.put(va + "/tokens", get(va + "/tokens?limit=1000"));
        }
        return new Snapshot(views, get(ACCOUNT_PATH + "/events?limit=1").get("totalRecords").asLong(), revokedCount(sat));
    }

    static void assertSame(Snapshot before, Snapshot after, String what) {
        for (String view : before.views().keySet()) {
            assertEquals(before.views().get(view), after.views().get(view), what + ": " + view + " changed");
        }
        assertEquals(before.events(), after.events(), what + ": events were recorded");
        assertEquals(before.revoked(), after.revoked(), what + ": the CRL changed");
    }

    /** Sends a request that must be refused with {@code code} and change nothing; returns its answer. */
    TestDevice.Answer refused(String what, Supplier<TestDevice.Answer> request, String code, String nonce) {
        Snapshot before = snapshot();
        TestDevice.Answer a;
        try {
            a = request.get();
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(what + ": no signed answer", e);
        }
        assertFailed(what, a, code, nonce);
        assertSame(before, snapshot(), what);
        return a;
    }

    /** Stands for "the nonce TestDevice generated": the answer must echo a valid nonce. */
    static final String ANY_NONCE = "\u0000any";

    static void assertFailed(String what, TestDevice.Answer a, String code, String nonce) {
        String context = what + ": " + a;
        assertEquals(SPEC_HTTP.get(code), a.http(), context);
        assertEquals("FAILED", a.status(), context);
        assertEquals(code, a.code(), context);
        JsonNode message = a.payload().get("message");
        assertTrue(message != null && message.isTextual() && !message.asText().isBlank(), "a message: " + context);
        assertTrue(a.payload().has("timestamp") && a.payload().get("timestamp").isIntegralNumber(), context);
        assertTrue(a.payload().has("data"), "data is present (maybe null): " + context);
        JsonNode echoed = a.payload().get("nonce");
        assertNotNull(echoed, "nonce is present: " + context);
        if (nonce == null) {
            assertTrue(echoed.isNull(), "no nonce to echo: " + context);
        } else if (ANY_NONCE.equals(nonce)) {
            assertTrue(echoed.isTextual() && echoed.asText().matches("[A-Za-z0-9]{16,64}"), "the nonce is echoed: " + context);
        } else {
            assertEquals(nonce, echoed.isNull() ? null : echoed.asText(), "the nonce is echoed: " + context);
        }
    }

    static void assertOk(TestDevice.Answer a) {
        assertEquals(200, a.http(), a.toString());
        assertEquals("OK", a.status(), a.toString());
    }

    static int revokedCount(TestSatellite sat) {
        TestSatellite.Response r = sat.get("/SmartTransport/crl", null);
        assertEquals(200, r.status(), r.toString());
        try {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.US_ASCII)));
            return crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
        } catch (Exception e) {
            throw new AssertionError("GET /SmartTransport/crl is no PEM CRL: " + r, e);
        }
    }

    TestDevice registered(String registrationToken) {
        TestDevice d = fresh();
        assertOk(d.register(registrationToken));
        return d;
    }

    TestDevice fresh() {
        return new TestDevice(sat, "C9300-48P", "FCT" + (++serials));
    }

    ObjectNode basePayload(TestDevice d, MessageType type) {
        return switch (type) {
            case REGISTER -> d.registerPayload(token, false);
            case RENEW_ID_CERT -> {
                ObjectNode p = d.payload(type);
                p.put("csr", d.csr());
                yield p;
            }
            case AUTH_REQUEST -> authPayload(d, 2);
            default -> d.payload(type);
        };
    }

    static ObjectNode authPayload(TestDevice d, long count) {
        ObjectNode p = d.payload(MessageType.AUTH_REQUEST);
        p.putArray("entitlements").addObject().put("tag", NETWORK_ADVANTAGE).put("count", count);
        return p;
    }

    static ObjectNode sudi(ObjectNode p) {
        return (ObjectNode) p.get("sudi");
    }

    static ArrayNode entitlements(ObjectNode p) {
        return (ArrayNode) p.get("entitlements");
    }

    static ObjectNode sig(ObjectNode envelope) {
        return (ObjectNode) envelope.get("signature");
    }

    static String nonce(ObjectNode p) {
        return p.get("nonce").asText();
    }

    static ObjectNode envelope(String payload, PrivateKey key, String keyId) {
        return (ObjectNode) json(Envelope.sign(payload, key, keyId).toJson());
    }

    static JsonNode json(String text) {
        try {
            return TestDevice.JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    JsonNode get(String path) {
        TestSatellite.Response r = sat.get(path, admin);
        assertEquals(200, r.status(), path + " " + r);
        return r.json();
    }

    void advance(String duration) {
        TestSatellite.Response r = sat.json("PUT", "/backend/api/v1/sim/clock", admin, "{\"advance\":\"" + duration + "\"}");
        assertEquals(200, r.status(), r.toString());
        // The move nudges the alert monitor, whose thread raises the alerts it causes and records their events. Let
        // that be done now, before a test snapshots the events, not while it compares them (evaluate is synchronized).
        sat.server().alerts().evaluate();
    }

    TestDevice.Answer postBytes(byte[] body) {
        return TestDevice.verified(sat, sat.send("POST", "/SmartTransport", null, "application/json",
                HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    TestDevice.Answer postChunked(byte[] body) {
        return TestDevice.verified(sat, sat.send("POST", "/SmartTransport", null, "application/json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    static String csr(PublicKey subjectKey, PrivateKey signer) {
        try {
            var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=test"), subjectKey);
            var contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.provider()).build(signer);
            return PemFiles.toPem(builder.build(contentSigner));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair p384() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Crypto.provider());
            g.initialize(new ECGenParameterSpec("secp384r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
