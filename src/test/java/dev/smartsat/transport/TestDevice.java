package dev.smartsat.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.PemFiles;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A low-level device for transport tests: builds payloads per SPEC §3, signs them, and checks every
 * answer's signature with the satellite's signing certificate. Tests can bend any part of a request.
 */
public final class TestDevice {
    static final ObjectMapper JSON = new ObjectMapper();
    public static final String NETWORK_ADVANTAGE = "regid.2017-03.com.cisco.advantagek9,1.0_bd1da96e-ec1d-412b-a50e-53846b347d53";
    public static final String DNA_ADVANTAGE = "regid.2017-07.com.cisco.dna_advantage,1.0_a1b2c3d4-0000-4000-8000-000000000001";

    private final TestSatellite sat;
    public final String pid;
    public final String serial;
    public KeyPair key = Crypto.generateP256KeyPair();
    public String piid;
    public String certSerial;
    public X509Certificate certificate;
    private long counter;

    public TestDevice(TestSatellite sat, String pid, String serial) {
        this.sat = sat;
        this.pid = pid;
        this.serial = serial;
    }

    /** An answer: HTTP status, its verified payload and headers. */
    public record Answer(int http, JsonNode payload, TestSatellite.Response raw) {
        public String status() {
            return payload.get("status").asText();
        }

        public String code() {
            return payload.get("message_code").isNull() ? null : payload.get("message_code").asText();
        }

        public JsonNode data() {
            return payload.get("data");
        }

        @Override
        public String toString() {
            return http + " " + payload;
        }
    }

    public ObjectNode payload(MessageType type) {
        ObjectNode p = JSON.createObjectNode();
        p.put("message_type", type.name());
        p.put("message_version", MessageType.VERSION);
        p.put("timestamp", sat.server().clock().millis());
        p.put("nonce", newNonce());
        ObjectNode sudi = p.putObject("sudi");
        sudi.put("udi_pid", pid);
        sudi.put("udi_serial_number", serial);
        if (type != MessageType.REGISTER) {
            p.put("product_instance_identifier", piid);
        }
        return p;
    }

    public String newNonce() {
        return ("n" + UUID.randomUUID().toString().replace("-", "") + (counter++)).substring(0, 32);
    }

    public ObjectNode registerPayload(String token, boolean overwrite) {
        ObjectNode p = payload(MessageType.REGISTER);
        p.put("id_token", token);
        p.put("csr", csr());
        p.put("software_tag_identifier", "regid.2016-07.com.cisco." + pid + ",1.0_" + UUID.randomUUID());
        p.put("hostname", serial.toLowerCase() + ".example.com");
        p.put("overwrite", overwrite);
        return p;
    }

    public String csr() {
        try {
            // built, not parsed: a product id may hold characters X.500 strings treat specially ('+', '/')
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, pid + ":" + serial).build();
            var builder = new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic());
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.provider()).build(key.getPrivate());
            return PemFiles.toPem(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a payload signed with the device key (key_id "csr" for REGISTER, else the certificate serial). */
    public Answer send(ObjectNode payload) {
        String keyId = "REGISTER".equals(payload.path("message_type").asText()) ? "csr" : certSerial;
        return sendSigned(payload.toString(), keyId);
    }

    public Answer sendSigned(String payload, String keyId) {
        return sendRaw(Envelope.sign(payload, key.getPrivate(), keyId).toJson());
    }

    public Answer sendRaw(String body) {
        TestSatellite.Response r = sat.send("POST", "/SmartTransport", null, "application/json",
                java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return verified(sat, r);
    }

    /** Checks the answer is an envelope signed by the satellite's signing key, and opens it. */
    public static Answer verified(TestSatellite sat, TestSatellite.Response r) {
        try {
            Envelope e = Envelope.parse(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var pki = sat.server().pki();
            if (!e.verify(pki.signingCert().getPublicKey()) || !pki.signingKeyId().equals(e.signature().keyId())) {
                throw new AssertionError("answer not signed by the satellite: " + r);
            }
            return new Answer(r.status(), e.payloadJson(), r);
        } catch (Envelope.MalformedException ex) {
            throw new AssertionError("answer is not an envelope: " + r, ex);
        }
    }

    public Answer register(String token) {
        return register(token, false);
    }

    public Answer register(String token, boolean overwrite) {
        Answer a = send(registerPayload(token, overwrite));
        if ("OK".equals(a.status())) {
            adopt(a);
        }
        return a;
    }

    private void adopt(Answer a) {
        piid = a.data().get("product_instance_identifier") == null ? piid
                : a.data().get("product_instance_identifier").asText();
        certificate = PemFiles.certificateFromPem(a.data().get("id_cert").asText());
        certSerial = certificate.getSerialNumber().toString(16);
    }

    /** Renews with a new key pair: the CSR carries the new key, the request is signed with the current one. */
    public Answer renewWithNewKey() {
        KeyPair old = key;
        key = Crypto.generateP256KeyPair();
        ObjectNode p = payload(MessageType.RENEW_ID_CERT);
        p.put("csr", csr());
        KeyPair fresh = key;
        key = old;
        Answer a = send(p);
        if ("OK".equals(a.status())) {
            key = fresh;
            adopt(a);
        }
        return a;
    }

    public Answer renewSameKey(String hostname) {
        ObjectNode p = payload(MessageType.RENEW_ID_CERT);
        p.put("csr", csr());
        if (hostname != null) {
            p.put("hostname", hostname);
        }
        Answer a = send(p);
        if ("OK".equals(a.status())) {
            adopt(a);
        }
        return a;
    }

    public Answer authorize(Map<String, Long> entitlements) {
        ObjectNode p = payload(MessageType.AUTH_REQUEST);
        ArrayNode list = p.putArray("entitlements");
        entitlements.forEach((tag, count) -> list.addObject().put("tag", tag).put("count", count));
        return send(p);
    }

    public Answer deregister() {
        return send(payload(MessageType.DEREGISTER));
    }

    public Answer hello() {
        return send(payload(MessageType.HELLO));
    }
}
