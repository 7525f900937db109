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
import java.io.OutputStream;
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

    /** Writes a payload too large to hold in memory (a sync file's) as UTF-8 JSON to the stream it is given. */
    @FunctionalInterface
    public interface PayloadWriter {
        void write(OutputStream payload) throws IOException;
    }

    /**
     * Writes the envelope {@link #sign} and {@link #toJson} would make, without ever holding the payload: its bytes
     * are signed and escaped into a JSON string as {@code payload} writes them, and the signature follows (the
     * payload comes first in an envelope). {@code out} is not closed.
     */
    public static void write(OutputStream out, PayloadWriter payload, PrivateKey key, String keyId,
                             String certificatePem) throws IOException {
        java.security.Signature signer = Signatures.signer(key);
        out.write("{\"payload\":\"".getBytes(StandardCharsets.US_ASCII));
        JsonStringBytes escaped = new JsonStringBytes(out, signer);
        payload.write(escaped);
        escaped.flush();
        byte[] signature;
        try {
            signature = signer.sign();
        } catch (java.security.SignatureException e) {
            throw new IllegalStateException("cannot sign the payload: " + e.getMessage(), e);
        }
        out.write("\",\"signature\":".getBytes(StandardCharsets.US_ASCII));
        out.write(MAPPER.writeValueAsBytes(new Signature(Crypto.SIGNATURE_ALGORITHM, keyId,
                Base64.getEncoder().encodeToString(signature), certificatePem)));
        out.write('}');
    }

    /**
     * UTF-8 bytes on their way into a JSON string, escaped as Jackson escapes them ({@code "}, {@code \\} and the
     * control characters; every other byte, multi-byte UTF-8 included, as it is), and signed as they are.
     */
    private static final class JsonStringBytes extends OutputStream {
        private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

        private final OutputStream out;
        private final java.security.Signature signer;
        private final byte[] buffer = new byte[64 * 1024];
        private int used;

        JsonStringBytes(OutputStream out, java.security.Signature signer) {
            this.out = out;
            this.signer = signer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                signer.update(b, off, len);
            } catch (java.security.SignatureException e) {
                throw new IllegalStateException(e);
            }
            for (int i = off; i < off + len; i++) {
                if (used > buffer.length - 6) {
                    drain();
                }
                byte c = b[i];
                if (c == '"' || c == '\\') {
                    buffer[used++] = '\\';
                    buffer[used++] = c;
                } else if (c >= 0 && c < 0x20) {
                    used = control(c);
                } else {
                    buffer[used++] = c;
                }
            }
        }

        private int control(byte c) {
            int at = used;
            buffer[at++] = '\\';
            char shortForm = switch (c) {
                case '\b' -> 'b';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\f' -> 'f';
                case '\r' -> 'r';
                default -> 0;
            };
            if (shortForm != 0) {
                buffer[at++] = (byte) shortForm;
                return at;
            }
            buffer[at++] = 'u';
            buffer[at++] = '0';
            buffer[at++] = '0';
            buffer[at++] = HEX[c >> 4];
            buffer[at++] = HEX[c & 0xF];
            return at;
        }

        private void drain() throws IOException {
            out.write(buffer, 0, used);
            used = 0;
        }

        @Override
        public void flush() throws IOException {
            drain();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
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
