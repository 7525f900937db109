package dev.smartsat.transport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.Signatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * The signed envelope both directions of /SmartTransport (and the sync files) use: a payload string
 * and a SHA256withECDSA signature over its exact UTF-8 bytes, so nobody re-serializes before verifying.
 */
public record Envelope(String payload, Signature signature) {
    // A sync file's payload is one JSON string: 100,000 instances make ~51 MB of it, past Jackson's default cap
    // of 20 M characters. Bodies are bounded before and while parsing (64 KiB transport, sync.max_bytes sync
    // files), so the string's own cap is the largest Java allows.
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The signature block; {@code certificate} (the signer's PEM) is carried by sync files only. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Signature(String algorithm, @JsonProperty("key_id") String keyId, String value, String certificate) {
        public Signature(String algorithm, String keyId, String value) {
            this(algorithm, keyId, value, null);
        }
    }

    /** Why an envelope could not even be read; the transport answers MALFORMED. */
    public static final class MalformedException extends Exception {
        public MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** Signs {@code payload} as it is. */
    public static Envelope sign(String payload, PrivateKey key, String keyId) {
        return sign(payload, key, keyId, null);
    }

    public static Envelope sign(String payload, PrivateKey key, String keyId, String certificatePem) {
        byte[] signature = Signatures.sign(key, payload.getBytes(StandardCharsets.UTF_8));
        return new Envelope(payload, new Signature(Crypto.SIGNATURE_ALGORITHM, keyId,
                Base64.getEncoder().encodeToString(signature), certificatePem));
    }

    /** Whether the signature verifies over the payload's exact bytes with {@code key}. */
    public boolean verify(PublicKey key) {
        return verify(key, false);
    }

    /** {@link #verify} with a key from {@link Signatures#prepare}, kept by the caller for the instance's next message. */
    public boolean verifyPrepared(PublicKey key) {
        return verify(key, true);
    }

    private boolean verify(PublicKey key, boolean prepared) {
        if (signature == null || signature.value() == null || !Crypto.SIGNATURE_ALGORITHM.equals(signature.algorithm())) {
            return false;
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signature.value());
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] signed = payload.getBytes(StandardCharsets.UTF_8);
        return prepared ? Signatures.verifyPrepared(key, signed, der) : Signatures.verify(key, signed, der);
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads an envelope: a JSON object with a string payload and a signature object of strings. */
    public static Envelope parse(byte[] json) throws MalformedException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MalformedException("the body is not valid JSON");
        }
        return of(root);
    }

    /**
     * {@link #parse(byte[])} from a stream, which is read to its end and not closed: a sync file is never
     * held whole as bytes. An IOException of the stream itself (not of the JSON) is the caller's to report.
     */
    public static Envelope parse(InputStream json) throws MalformedException, IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedException("the body is not valid JSON");
        }
        return of(root);
    }

    private static Envelope of(JsonNode root) throws MalformedException {
        if (root == null || !root.isObject()) {
            throw new MalformedException("the body must be a JSON object with payload and signature");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isTextual()) {
            throw new MalformedException("payload must be a string holding the message JSON");
        }
        JsonNode sig = root.get("signature");
        if (sig == null || !sig.isObject()) {
            throw new MalformedException("signature must be an object with algorithm, key_id and value");
        }
        return new Envelope(payload.asText(), new Signature(text(sig, "algorithm"), text(sig, "key_id"),
                text(sig, "value"), optionalText(sig, "certificate")));
    }

    /**
     * The valid nonce of a body whose envelope could not be read as a whole (say, a broken signature
     * block), so the MALFORMED answer can still echo it; null when there is none to be had.
     */
    public static String nonceOf(byte[] body) {
        if (body == null) {
            return null;
        }
        try {
            JsonNode payload = MAPPER.readTree(body).get("payload");
            return payload != null && payload.isTextual()
                    ? TransportRequest.validNonce(MAPPER.readTree(payload.asText())) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The payload parsed as a JSON object. */
    public JsonNode payloadJson() throws MalformedException {
        try {
            JsonNode node = MAPPER.readTree(payload);
            if (node == null || !node.isObject()) {
                throw new MalformedException("payload must hold a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedException("payload is not valid JSON");
        }
    }

    private static String text(JsonNode node, String field) throws MalformedException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new MalformedException("signature." + field + " must be a non-empty string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String field) throws MalformedException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedException("signature." + field + " must be a string");
        }
        return value.asText();
    }
}
