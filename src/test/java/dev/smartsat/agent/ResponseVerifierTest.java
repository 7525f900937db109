package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.agent.TransportException.Kind;
import dev.smartsat.pki.Crypto;
import dev.smartsat.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Answers are believed only when signed by the satellite's signing key under its key_id and echoing our nonce. */
class ResponseVerifierTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final KeyPair SATELLITE = Crypto.generateP256KeyPair();
    static final String KEY_ID = "9f3a0c11d2e4b5a6c7d8e9f0";
    static final String NONCE = "Abc123Abc123Abc123Abc123Abc123xy";

    final ResponseVerifier verifier = new ResponseVerifier(SATELLITE.getPublic(), KEY_ID);

    static String payload(String status, String code, String message, String nonce) {
        ObjectNode p = JSON.createObjectNode();
        p.put("status", status);
        p.put("message_code", code);
        p.put("message", message);
        p.put("timestamp", 1_763_805_600_000L);
        p.put("nonce", nonce);
        if ("OK".equals(status)) {
            p.putObject("data").put("server_time", "2026-11-22T10:00:00Z");
        } else {
            p.putNull("data");
        }
        return p.toString();
    }

    static byte[] body(Envelope envelope) {
        return envelope.toJson().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] signed(String payload) {
        return body(Envelope.sign(payload, SATELLITE.getPrivate(), KEY_ID));
    }

    @Test
    void aGenuineAnswerIsRead() throws Exception {
        Answer answer = verifier.verify(200, signed(payload("OK", null, null, NONCE)), NONCE, null);
        assertTrue(answer.ok());
        assertEquals("OK", answer.code());
        assertEquals(java.time.Instant.parse("2026-11-22T10:00:00Z"), answer.instant("server_time"));
    }

    @Test
    void aGenuineRefusalIsReadWithItsCodeAndMessage() throws Exception {
        Answer answer = verifier.verify(403, signed(payload("FAILED", "TOKEN_EXPIRED", "the token expired", NONCE)),
                NONCE, null);
        assertTrue(answer.failedWith("TOKEN_EXPIRED"));
        assertEquals(403, answer.httpStatus());
        assertEquals("TOKEN_EXPIRED — the token expired", answer.describe());
        assertNull(answer.data());
    }

    @Test
    void tryAgainKeepsItsRetryAfter() throws Exception {
        Answer answer = verifier.verify(503, signed(payload("OK_TRY_AGAIN", null, "busy", NONCE)), NONCE,
                Duration.ofSeconds(2));
        assertTrue(answer.tryAgain());
        assertEquals(Duration.ofSeconds(2), answer.retryAfter());
        assertEquals("OK_TRY_AGAIN", answer.code());
    }

    @Test
    void aTamperedPayloadIsRejected() {
        Envelope genuine = Envelope.sign(payload("FAILED", "TOKEN_EXPIRED", "no", NONCE), SATELLITE.getPrivate(), KEY_ID);
        Envelope tampered = new Envelope(payload("OK", null, null, NONCE), genuine.signature());
        TransportException e = assertThrows(TransportException.class,
                () -> verifier.verify(200, body(tampered), NONCE, null));
        assertEquals(Kind.UNTRUSTED, e.kind());
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void aWrongKeyIdIsRejectedEvenWithAValidSignature() {
        byte[] otherKeyId = body(Envelope.sign(payload("OK", null, null, NONCE), SATELLITE.getPrivate(), "1f"));
        TransportException e = assertThrows(TransportException.class,
                () -> verifier.verify(200, otherKeyId, NONCE, null));
        assertEquals(Kind.UNTRUSTED, e.kind());
        assertTrue(e.getMessage().contains("key_id 1f"), e.getMessage());
    }

    @Test
    void anotherSignerUsingTheRightKeyIdIsRejected() {
        KeyPair impostor = Crypto.generateP256KeyPair();
        byte[] forged = body(Envelope.sign(payload("OK", null, null, NONCE), impostor.getPrivate(), KEY_ID));
        assertEquals(Kind.UNTRUSTED, assertThrows(TransportException.class,
                () -> verifier.verify(200, forged, NONCE, null)).kind());
    }

    @Test
    void aMismatchedNonceIsRejected() {
        byte[] replayed = signed(payload("OK", null, null, "Zzz999Zzz999Zzz999Zzz999Zzz999zz"));
        TransportException e = assertThrows(TransportException.class, () -> verifier.verify(200, replayed, NONCE, null));
        assertEquals(Kind.UNTRUSTED, e.kind());
        assertTrue(e.getMessage().contains("nonce"), e.getMessage());
        byte[] none = signed(payload("FAILED", "MALFORMED", "bad nonce", null));
        assertEquals(Kind.UNTRUSTED, assertThrows(TransportException.class,
                () -> verifier.verify(400, none, NONCE, null)).kind());
    }

    @Test
    void anUnknownStatusIsRejected() {
        byte[] odd = signed(payload("MAYBE", null, null, NONCE));
        assertEquals(Kind.UNTRUSTED, assertThrows(TransportException.class,
                () -> verifier.verify(200, odd, NONCE, null)).kind());
    }

    @Test
    void somethingThatIsNotAnEnvelopeIsSaidToBeSo() {
        byte[] html = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        TransportException e = assertThrows(TransportException.class, () -> verifier.verify(502, html, NONCE, null));
        assertEquals(Kind.NOT_AN_ENVELOPE, e.kind());
        assertTrue(e.getMessage().startsWith("HTTP 502"), e.getMessage());
    }
}
