package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.agent.DeviceState.Identity;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.transport.Envelope;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** Request payloads carry exactly the fields of SPEC §3, and REGISTER is signed by the CSR's key. */
class RequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final KeyPair KEYS = DeviceKeys.generate();
    static final Identity DEVICE = new Identity("C9300-24UX", "FCW2134L0RN", "0b5a7f3e-8d4c-4a55-9d0e-3f1c2b6a7e90");
    static final String PIID = "6ca07f56-145c-4ace-bdc2-40417fd49d47";
    static final long NOW = 1_763_805_600_000L;
    static final String NONCE = "dft0qRN2fLw4kpaRdft0qRN2fLw4kpaR";
    static final Set<String> COMMON = Set.of("message_type", "message_version", "timestamp", "nonce", "sudi");

    static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static Set<String> common(String... more) {
        Set<String> names = new TreeSet<>(COMMON);
        names.addAll(List.of(more));
        return names;
    }

    static void assertHead(JsonNode payload, String type) {
        assertEquals(type, payload.get("message_type").asText());
        assertEquals("1.3", payload.get("message_version").asText());
        assertTrue(payload.get("timestamp").isIntegralNumber());
        assertEquals(NOW, payload.get("timestamp").asLong());
        assertEquals(NONCE, payload.get("nonce").asText());
        JsonNode sudi = payload.get("sudi");
        assertEquals(Set.of("udi_pid", "udi_serial_number", "udi_uuid"), fields(sudi));
        assertEquals("C9300-24UX", sudi.get("udi_pid").asText());
        assertEquals("FCW2134L0RN", sudi.get("udi_serial_number").asText());
        assertEquals(DEVICE.uuid(), sudi.get("udi_uuid").asText());
    }

    @Test
    void registerHasItsFieldsAndNoInstanceIdentifier() throws Exception {
        String csr = DeviceKeys.csrPem(KEYS, DEVICE.pid(), DEVICE.serial());
        JsonNode p = JSON.readTree(Requests.register(DEVICE, NOW, NONCE, "TOKEN", csr,
                Requests.defaultSoftwareTag("C9300-24UX"), "switch-1", true));
        assertHead(p, "REGISTER");
        assertEquals(common("id_token", "csr", "software_tag_identifier", "hostname", "overwrite"), fields(p));
        assertEquals("TOKEN", p.get("id_token").asText());
        assertEquals(csr, p.get("csr").asText());
        assertEquals("switch-1", p.get("hostname").asText());
        assertTrue(p.get("overwrite").isBoolean() && p.get("overwrite").asBoolean());
        assertTrue(p.get("software_tag_identifier").asText().matches(
                "regid\\.2016-07\\.com\\.cisco\\.C9300-24UX,1\\.0_[0-9a-f-]{36}"), p.get("software_tag_identifier").asText());
    }

    @Test
    void aDeviceThatDoesNotShareItsHostNameLeavesTheFieldOut() throws Exception {
        JsonNode p = JSON.readTree(Requests.register(DEVICE, NOW, NONCE, "T", "csr", "tag", null, false));
        assertFalse(p.has("hostname"));
        assertFalse(p.get("overwrite").asBoolean());
        assertFalse(JSON.readTree(Requests.renewIdCert(DEVICE, PIID, NOW, NONCE, "csr", null)).has("hostname"));
    }

    @Test
    void renewIdCertCarriesACsrAndTheHostName() throws Exception {
        JsonNode p = JSON.readTree(Requests.renewIdCert(DEVICE, PIID, NOW, NONCE, "CSR", "switch-2"));
        assertHead(p, "RENEW_ID_CERT");
        assertEquals(common("product_instance_identifier", "csr", "hostname"), fields(p));
        assertEquals(PIID, p.get("product_instance_identifier").asText());
    }

    @Test
    void authRequestListsTheUsageAndAnEmptyListMeansNone() throws Exception {
        JsonNode p = JSON.readTree(Requests.authRequest(DEVICE, PIID, NOW, NONCE,
                List.of(new Entitlement("a,1.0_x", 3), new Entitlement("b", 0))));
        assertHead(p, "AUTH_REQUEST");
        assertEquals(common("product_instance_identifier", "entitlements"), fields(p));
        assertEquals(JSON.readTree("[{\"tag\":\"a,1.0_x\",\"count\":3},{\"tag\":\"b\",\"count\":0}]"), p.get("entitlements"));
        JsonNode none = JSON.readTree(Requests.authRequest(DEVICE, PIID, NOW, NONCE, List.of()));
        assertTrue(none.get("entitlements").isArray() && none.get("entitlements").isEmpty());
    }

    @Test
    void deregisterAndHelloAreJustTheHeadAndTheInstance() throws Exception {
        JsonNode deregister = JSON.readTree(Requests.deregister(DEVICE, PIID, NOW, NONCE));
        assertHead(deregister, "DEREGISTER");
        assertEquals(common("product_instance_identifier"), fields(deregister));
        JsonNode hello = JSON.readTree(Requests.hello(DEVICE, PIID, NOW, NONCE));
        assertHead(hello, "HELLO");
        assertEquals(common("product_instance_identifier"), fields(hello));
    }

    @Test
    void theUdiUuidIsOptional() throws Exception {
        JsonNode p = JSON.readTree(Requests.hello(new Identity("P", "S", null), PIID, NOW, NONCE));
        assertEquals(Set.of("udi_pid", "udi_serial_number"), fields(p.get("sudi")));
    }

    @Test
    void registerIsSignedWithKeyIdCsrAndVerifiesWithTheCsrsOwnKey() throws Exception {
        String csrPem = DeviceKeys.csrPem(KEYS, DEVICE.pid(), DEVICE.serial());
        String payload = Requests.register(DEVICE, NOW, NONCE, "TOKEN", csrPem, "tag", null, false);
        Envelope sent = Envelope.parse(Envelope.sign(payload, KEYS.getPrivate(), "csr").toJson().getBytes());

        assertEquals("csr", sent.signature().keyId());
        assertEquals("SHA256withECDSA", sent.signature().algorithm());
        assertEquals(payload, sent.payload());
        PKCS10CertificationRequest csr = PemFiles.csrFromPem(sent.payloadJson().get("csr").asText());
        PublicKey csrKey = new JcaPEMKeyConverter().setProvider(Crypto.provider()).getPublicKey(csr.getSubjectPublicKeyInfo());
        assertTrue(sent.verify(csrKey), "the satellite checks REGISTER with the CSR's key");
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Crypto.provider())
                .build(csrKey)), "the CSR is signed by its own key");
        assertTrue(Crypto.isP256(csr.getSubjectPublicKeyInfo()));
        assertEquals("CN=C9300-24UX:FCW2134L0RN", csr.getSubject().toString());
        assertFalse(sent.verify(DeviceKeys.generate().getPublic()));
    }

    @Test
    void theStoredPrivateKeyGivesBackThePublicKey() {
        KeyPair restored = DeviceKeys.fromPem(PemFiles.toPem(KEYS.getPrivate()));
        assertTrue(java.util.Arrays.equals(KEYS.getPublic().getEncoded(), restored.getPublic().getEncoded()));
    }

    @Test
    void noncesAreThirtyTwoAlphanumericsAndDoNotRepeat() {
        List<String> nonces = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String nonce = Nonces.next();
            assertTrue(nonce.matches("[A-Za-z0-9]{32}"), nonce);
            assertTrue(Nonces.isValid(nonce));
            nonces.add(nonce);
        }
        assertEquals(1000, new TreeSet<>(nonces).size());
        assertNotEquals(Nonces.next(), Nonces.next());
    }
}
