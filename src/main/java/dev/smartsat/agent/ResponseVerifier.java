package dev.smartsat.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.agent.TransportException.Kind;
import dev.smartsat.pki.Signatures;
import dev.smartsat.transport.Envelope;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Set;

/**
 * Checks an answer of /SmartTransport before anyone reads it: an envelope, signed by the satellite's signing
 * certificate (key_id and signature), echoing the request's nonce, with a known status.
 */
public final class ResponseVerifier {
    private static final Set<String> STATUSES = Set.of(Answer.OK, Answer.FAILED, Answer.OK_TRY_AGAIN);

    private final PublicKey signingKey;
    private final String keyId;

    /** @param keyId the signing certificate's serial number in lowercase hex */
    public ResponseVerifier(PublicKey signingKey, String keyId) {
        // The satellite's key verifies every answer: held in the provider's own form, not converted at each check.
        this.signingKey = Signatures.prepare(signingKey);
        this.keyId = keyId;
    }

    public String keyId() {
        return keyId;
    }

    public Answer verify(int httpStatus, byte[] body, String expectedNonce, Duration retryAfter)
            throws TransportException {
        Envelope envelope;
        JsonNode payload;
        try {
            envelope = Envelope.parse(body);
        } catch (Envelope.MalformedException e) {
            throw new TransportException(Kind.NOT_AN_ENVELOPE, "HTTP " + httpStatus
                    + ": the answer is not a SmartTransport envelope (" + e.getMessage()
                    + "); is the URL the satellite's /SmartTransport?");
        }
        // key_id first: a different key_id names another signer, which deserves its own message.
        if (!keyId.equals(envelope.signature().keyId())) {
            throw new TransportException(Kind.UNTRUSTED, "the answer is signed with key_id "
                    + envelope.signature().keyId() + ", not the satellite's signing certificate " + keyId);
        }
        if (!envelope.verifyPrepared(signingKey)) {
            throw new TransportException(Kind.UNTRUSTED,
                    "the answer's signature does not verify with the satellite's signing certificate");
        }
        try {
            payload = envelope.payloadJson();
        } catch (Envelope.MalformedException e) {
            throw new TransportException(Kind.UNTRUSTED, "the signed answer's payload is unreadable: " + e.getMessage());
        }
        JsonNode nonce = payload.get("nonce");
        if (nonce == null || !nonce.isTextual() || !nonce.asText().equals(expectedNonce)) {
            throw new TransportException(Kind.UNTRUSTED, "the answer echoes nonce "
                    + (nonce == null || nonce.isNull() ? "null" : nonce.asText()) + " instead of " + expectedNonce
                    + " (a replayed or misdirected answer)");
        }
        String status = textOrNull(payload, "status");
        if (status == null || !STATUSES.contains(status)) {
            throw new TransportException(Kind.UNTRUSTED, "the answer's status is " + status
                    + ", not OK, FAILED or OK_TRY_AGAIN");
        }
        JsonNode data = payload.get("data");
        return new Answer(httpStatus, status, textOrNull(payload, "message_code"), textOrNull(payload, "message"),
                data == null || data.isNull() ? null : data, retryAfter);
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
