package dev.smartsat.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.OnEachCryptoProvider;
import dev.smartsat.agent.DeviceKeys;
import dev.smartsat.agent.DeviceState.Identity;
import dev.smartsat.agent.Entitlement;
import dev.smartsat.agent.Requests;
import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.PemFiles;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/**
 * Each message type of SPEC §3, as the agent writes it, is read into its own record with the fields of that
 * type; what a type does not carry, its record does not have.
 */
@OnEachCryptoProvider
class TransportRequestTest {
    @Parameter
    CryptoProvider provider;

    static final ObjectMapper JSON = new ObjectMapper();
    static final Identity DEVICE = new Identity("C9300-24UX", "FCW2134L0RN", "0b5a7f3e-8d4c-4a55-9d0e-3f1c2b6a7e90");
    static final String PIID = "6ca07f56-145c-4ace-bdc2-40417fd49d47";
    static final long NOW = 1_763_805_600_000L;
    static final String NONCE = "dft0qRN2fLw4kpaRdft0qRN2fLw4kpaR";
    static final String CSR = DeviceKeys.csrPem(DeviceKeys.generate(), DEVICE.pid(), DEVICE.serial());

    static TransportRequest parse(String payload) throws Exception {
        return TransportRequest.parse(JSON.readTree(payload));
    }

    static void assertCommon(TransportRequest r, MessageType type) {
        assertEquals(type, r.type());
        assertEquals(new TransportRequest.Common(Instant.ofEpochMilli(NOW), NONCE, DEVICE.pid(), DEVICE.serial(),
                DEVICE.uuid()), r.common());
        assertEquals(Instant.ofEpochMilli(NOW), r.timestamp());
        assertEquals(NONCE, r.nonce());
    }

    @Test
    void registerIsReadIntoRegister() throws Exception {
        var r = assertInstanceOf(TransportRequest.Register.class, parse(Requests.register(DEVICE, NOW, NONCE, "TOKEN",
                CSR, "tag-1", "switch-1", true)));
        assertCommon(r, MessageType.REGISTER);
        assertEquals("TOKEN", r.idToken());
        assertEquals("tag-1", r.softwareTag());
        assertEquals("switch-1", r.hostname());
        assertTrue(r.overwrite());
        assertEquals(CSR.strip(), PemFiles.toPem(r.csr()).strip());
    }

    @Test
    void registerDefaultsOverwriteToFalseAndHostnameToNone() throws Exception {
        var r = (TransportRequest.Register) parse(Requests.register(DEVICE, NOW, NONCE, "TOKEN", CSR, "tag-1", null,
                false));
        assertFalse(r.overwrite());
        assertNull(r.hostname());
        ObjectNode without = (ObjectNode) JSON.readTree(Requests.register(DEVICE, NOW, NONCE, "TOKEN", CSR, "t", null,
                false));
        without.remove("overwrite");
        assertFalse(((TransportRequest.Register) TransportRequest.parse(without)).overwrite());
    }

    @Test
    void renewIdCertIsReadIntoRenewIdCert() throws Exception {
        var r = assertInstanceOf(TransportRequest.RenewIdCert.class,
                parse(Requests.renewIdCert(DEVICE, PIID, NOW, NONCE, CSR, "switch-2")));
        assertCommon(r, MessageType.RENEW_ID_CERT);
        assertEquals(PIID, r.piid());
        assertEquals("switch-2", r.hostname());
        assertEquals(CSR.strip(), PemFiles.toPem(r.csr()).strip());
    }

    @Test
    void authRequestIsReadIntoAuthRequestKeepingTheDevicesOrder() throws Exception {
        var r = assertInstanceOf(TransportRequest.AuthRequest.class, parse(Requests.authRequest(DEVICE, PIID, NOW, NONCE,
                List.of(new Entitlement("z_tag", 3), new Entitlement("a_tag", 0), new Entitlement("m_tag", 7)))));
        assertCommon(r, MessageType.AUTH_REQUEST);
        assertEquals(PIID, r.piid());
        assertEquals(Map.of("z_tag", 3L, "a_tag", 0L, "m_tag", 7L), r.entitlements());
        assertEquals(List.of("z_tag", "a_tag", "m_tag"), List.copyOf(r.entitlements().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> r.entitlements().put("x", 1L));
        var none = (TransportRequest.AuthRequest) parse(Requests.authRequest(DEVICE, PIID, NOW, NONCE, List.of()));
        assertTrue(none.entitlements().isEmpty());
    }

    @Test
    void deregisterAndHelloAreReadIntoTheirRecords() throws Exception {
        var d = assertInstanceOf(TransportRequest.Deregister.class, parse(Requests.deregister(DEVICE, PIID, NOW, NONCE)));
        assertCommon(d, MessageType.DEREGISTER);
        assertEquals(PIID, d.piid());
        var h = assertInstanceOf(TransportRequest.Hello.class, parse(Requests.hello(DEVICE, PIID, NOW, NONCE)));
        assertCommon(h, MessageType.HELLO);
        assertEquals(PIID, h.piid());
    }

    @Test
    void everyMessageTypeReachesItsOwnCaseOfTheVisitor() throws Exception {
        var seen = EnumSet.noneOf(MessageType.class);
        var visitor = new TransportRequest.Visitor<MessageType, RuntimeException>() {
            public MessageType register(TransportRequest.Register r) {
                return MessageType.REGISTER;
            }

            public MessageType renewIdCert(TransportRequest.RenewIdCert r) {
                return MessageType.RENEW_ID_CERT;
            }

            public MessageType authRequest(TransportRequest.AuthRequest r) {
                return MessageType.AUTH_REQUEST;
            }

            public MessageType deregister(TransportRequest.Deregister r) {
                return MessageType.DEREGISTER;
            }

            public MessageType hello(TransportRequest.Hello r) {
                return MessageType.HELLO;
            }
        };
        for (String payload : List.of(Requests.register(DEVICE, NOW, NONCE, "TOKEN", CSR, "t", null, false),
                Requests.renewIdCert(DEVICE, PIID, NOW, NONCE, CSR, null),
                Requests.authRequest(DEVICE, PIID, NOW, NONCE, List.of()),
                Requests.deregister(DEVICE, PIID, NOW, NONCE), Requests.hello(DEVICE, PIID, NOW, NONCE))) {
            TransportRequest r = parse(payload);
            assertEquals(r.type(), r.accept(visitor));
            seen.add(r.accept(visitor));
        }
        assertEquals(EnumSet.allOf(MessageType.class), seen);
    }

    @Test
    void aFieldItsTypeNeedsIsMissingIsMalformed() throws Exception {
        Map<String, String> cases = Map.of(
                "id_token is required", without(Requests.register(DEVICE, NOW, NONCE, "T", CSR, "t", null, false), "id_token"),
                "csr is required", without(Requests.renewIdCert(DEVICE, PIID, NOW, NONCE, CSR, null), "csr"),
                "entitlements must be a list", without(Requests.authRequest(DEVICE, PIID, NOW, NONCE, List.of()),
                        "entitlements"),
                "product_instance_identifier is required", without(Requests.hello(DEVICE, PIID, NOW, NONCE),
                        "product_instance_identifier"));
        for (var c : cases.entrySet()) {
            var e = assertThrows(TransportRequest.Malformed.class, () -> TransportRequest.parse(JSON.readTree(c.getValue())));
            assertTrue(e.getMessage().startsWith(c.getKey()), e.getMessage());
        }
        ObjectNode notUuid = (ObjectNode) JSON.readTree(Requests.deregister(DEVICE, PIID, NOW, NONCE));
        notUuid.put("product_instance_identifier", "not-a-uuid");
        assertEquals("product_instance_identifier must be a UUID",
                assertThrows(TransportRequest.Malformed.class, () -> TransportRequest.parse(notUuid)).getMessage());
    }

    @Test
    void theInstanceIdentifierIsCheckedBeforeTheFieldsOfItsType() throws Exception {
        ObjectNode p = (ObjectNode) JSON.readTree(Requests.renewIdCert(DEVICE, PIID, NOW, NONCE, CSR, null));
        p.remove(Set.of("product_instance_identifier", "csr"));
        assertEquals("product_instance_identifier is required",
                assertThrows(TransportRequest.Malformed.class, () -> TransportRequest.parse(p)).getMessage());
    }

    private static String without(String payload, String field) throws Exception {
        JsonNode p = JSON.readTree(payload);
        ((ObjectNode) p).remove(field);
        return p.toString();
    }
}
