package dev.smartsat.reservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.OnEachCryptoProvider;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.CryptoProvider;
import dev.smartsat.pki.PemFiles;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

/** Known answers of SPEC §5 from ../shared/vectors (copied to test resources), so the formats cannot drift. */
@OnEachCryptoProvider
class ReservationCodesTest {
    @Parameter
    CryptoProvider provider;

    static JsonNode vectors;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ReservationCodesTest.class.getResourceAsStream("/vectors/reservation-codes.json")) {
            vectors = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void requestCodesMatchTheVectors() {
        for (JsonNode v : vectors.get("requestCodes")) {
            RequestCode code = new RequestCode(v.get("pid").asText(), v.get("serial").asText(), v.get("nonce").asText());
            assertEquals(v.get("code").asText(), code.text());
            RequestCode parsed = RequestCode.parse(v.get("code").asText());
            assertEquals(code, parsed);
        }
    }

    @Test
    void invalidRequestCodesAreRefusedWithAReason() {
        for (JsonNode v : vectors.get("invalidRequestCodes")) {
            InvalidCodeException e = assertThrows(InvalidCodeException.class, () -> RequestCode.parse(v.asText()), v.asText());
            assertFalse(e.getMessage().isBlank());
        }
        assertTrue(assertThrows(InvalidCodeException.class,
                () -> RequestCode.parse("CB-ZC9300-24UX:FCW2134L0RN-AK9A6sMTr-86")).getMessage().contains("mistyped"));
        RequestCode fresh = RequestCode.newFor("C9300-24UX", "FCW2134L0RN");
        assertEquals(fresh, RequestCode.parse(fresh.text()));
    }

    @Test
    void theVectorAuthorizationCodeParsesVerifiesAndGivesItsConfirmationCode() {
        JsonNode v = vectors.get("authorizationCode");
        PublicKey key = PemFiles.publicKeyFromPem(vectors.get("publicKeyPem").asText());
        AuthorizationCode code = AuthorizationCode.parse(v.get("xml").asText());
        assertEquals(v.get("signedPart").asText(), code.signedPart());
        assertEquals(v.get("piid").asText(), code.piid());
        assertEquals(v.get("udi").asText(), code.udi());
        assertEquals(v.get("timestamp").asLong(), code.timestamp());
        assertEquals(2, code.entitlements().size());
        assertEquals(2, code.entitlements().get(0).count());
        assertEquals("Network Advantage", code.entitlements().get(0).displayName());
        assertTrue(code.verify(key));
        assertEquals(v.get("confirmationCode").asText(), code.confirmationCode());
        assertEquals(v.get("xml").asText(), code.text(), "parse then write is the identity");

        String tampered = v.get("xml").asText().replace("<count>2</count>", "<count>3</count>");
        assertFalse(AuthorizationCode.parse(tampered).verify(key), "one byte changed breaks the signature");
    }

    @Test
    void aCodeWeSignIsByteForByteTheSpecFormatAndVerifies() {
        KeyPair signing = Crypto.generateP256KeyPair();
        JsonNode v = vectors.get("authorizationCode");
        AuthorizationCode vector = AuthorizationCode.parse(v.get("xml").asText());
        AuthorizationCode ours = AuthorizationCode.sign(vector.piid(), vector.timestamp(), vector.entitlements(),
                vector.udi(), signing.getPrivate());
        assertEquals(v.get("signedPart").asText(), ours.signedPart());
        assertTrue(ours.verify(signing.getPublic()));
        assertEquals(v.get("confirmationCode").asText(), ours.confirmationCode());
        AuthorizationCode escaped = AuthorizationCode.sign(vector.piid(), 1, List.of(new AuthorizationCode.Entitlement(
                "t", 1, "", "", "PERPETUAL", "R&D <lab>", "", "")), vector.udi(), signing.getPrivate());
        assertEquals("R&D <lab>", AuthorizationCode.parse(escaped.text()).entitlements().get(0).displayName());
        assertThrows(InvalidCodeException.class, () -> AuthorizationCode.parse("<specificPLR>nonsense</specificPLR>"));
        assertThrows(InvalidCodeException.class, () -> AuthorizationCode.parse(""));
    }

    @Test
    void returnCodesMatchTheVectors() {
        for (JsonNode v : vectors.get("returnCodes")) {
            String code = ReturnCode.of(v.get("piid").asText(), v.get("udi").asText(), v.get("timestamp").asLong());
            assertEquals(v.get("code").asText(), code);
            assertEquals(57 + 9, code.length());
            assertTrue(ReturnCode.matches(" " + code + "\n", v.get("piid").asText(), v.get("udi").asText(),
                    v.get("timestamp").asLong()));
            assertFalse(ReturnCode.matches(code.toLowerCase(), v.get("piid").asText(), v.get("udi").asText(),
                    v.get("timestamp").asLong()));
        }
    }
}
