package dev.smartsat.pki;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachCryptoProvider;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

@OnEachCryptoProvider
class SignaturesTest {
    @Parameter
    CryptoProvider provider;


    @Test
    void validEnvelopeVectorVerifiesOverTheExactPayloadBytes() throws Exception {
        JsonNode vector = TestSupport.vector("envelope.json");
        PublicKey key = Signatures.publicKeyFromPem(vector.get("publicKeyPem").asText());
        JsonNode valid = vector.get("valid");

        assertEquals("SHA256withECDSA", valid.at("/signature/algorithm").asText());
        assertTrue(Signatures.verify(key, valid.get("payload").asText().getBytes(UTF_8),
                Base64.getDecoder().decode(valid.at("/signature/value").asText())));
    }

    @Test
    void invalidEnvelopeVectorsDoNotVerify() throws Exception {
        JsonNode vector = TestSupport.vector("envelope.json");
        PublicKey key = Signatures.publicKeyFromPem(vector.get("publicKeyPem").asText());
        JsonNode invalid = vector.get("invalid");

        assertEquals(2, invalid.size());
        for (JsonNode entry : invalid) {
            JsonNode envelope = entry.get("envelope");
            assertFalse(Signatures.verify(key, envelope.get("payload").asText().getBytes(UTF_8),
                    Base64.getDecoder().decode(envelope.at("/signature/value").asText())), entry.get("why").asText());
        }
    }

    @Test
    void reservationAuthorizationCodeSignatureVerifiesOverTheSignedPart() throws Exception {
        JsonNode vector = TestSupport.vector("reservation-codes.json");
        PublicKey key = Signatures.publicKeyFromPem(vector.get("publicKeyPem").asText());
        JsonNode code = vector.get("authorizationCode");
        String xml = code.get("xml").asText();
        String signedPart = code.get("signedPart").asText();
        String signature = xml.substring(xml.indexOf("<signature>") + "<signature>".length(), xml.indexOf("</signature>"));

        assertTrue(xml.contains(signedPart));
        assertTrue(Signatures.verify(key, signedPart.getBytes(UTF_8), Base64.getDecoder().decode(signature)));
        assertFalse(Signatures.verify(key, xml.getBytes(UTF_8), Base64.getDecoder().decode(signature)));
    }

    @Test
    void signThenVerifyRoundTripsAndDetectsTampering() {
        KeyPair keys = Crypto.generateP256KeyPair();
        byte[] data = "{\"message_type\":\"HELLO\"}".getBytes(UTF_8);
        byte[] signature = Signatures.sign(keys.getPrivate(), data);

        assertTrue(Signatures.verify(keys.getPublic(), data, signature));
        assertFalse(Signatures.verify(keys.getPublic(), "{\"message_type\":\"HELLP\"}".getBytes(UTF_8), signature));
        assertFalse(Signatures.verify(Crypto.generateP256KeyPair().getPublic(), data, signature));
        assertEquals(0x30, signature[0] & 0xff, "a DER SEQUENCE, not raw r||s");
    }

    @Test
    void malformedSignaturesAreFalseNotExceptions() throws Exception {
        KeyPair keys = Crypto.generateP256KeyPair();
        byte[] data = "payload".getBytes(UTF_8);
        byte[] good = Signatures.sign(keys.getPrivate(), data);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        byte[] raw = new byte[64];

        for (byte[] bad : List.of(new byte[0], new byte[] {0x30}, truncated, trailing, raw, "garbage".getBytes(UTF_8))) {
            assertFalse(Signatures.verify(keys.getPublic(), data, bad));
        }
        assertFalse(Signatures.verify(keys.getPublic(), data, null));
        assertFalse(Signatures.verify(null, data, good));
        KeyPair rsa = TestSupport.keyPair("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
        assertFalse(Signatures.verify(rsa.getPublic(), data, good), "a key of another type is simply not a match");
        assertTrue(Signatures.verify(keys.getPublic(), data, good), "a failed verification leaves no state behind");
    }

    @Test
    void publicKeyFromPemReadsTheKeyOfACertificateToo() {
        KeyPair keys = Crypto.generateP256KeyPair();
        PublicKey fromKeyPem = Signatures.publicKeyFromPem(PemFiles.toPem(keys.getPublic()));

        assertArrayEquals(keys.getPublic().getEncoded(), fromKeyPem.getEncoded());
    }

    @Test
    void isSafeToUseFromManyThreadsAtOnce() throws Exception {
        KeyPair keys = Crypto.generateP256KeyPair();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                byte[] data = ("message " + i).getBytes(UTF_8);
                boolean tamper = i % 3 == 0;
                tasks.add(() -> {
                    byte[] signature = Signatures.sign(keys.getPrivate(), data);
                    byte[] checked = tamper ? "other".getBytes(UTF_8) : data;
                    return Signatures.verify(keys.getPublic(), checked, signature) != tamper;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
