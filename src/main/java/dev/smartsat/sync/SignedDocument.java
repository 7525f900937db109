package dev.smartsat.sync;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.smartsat.core.ClientError;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import dev.smartsat.transport.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * A sync file (SPEC §8): a §3 envelope whose signature also carries the signer's certificate. Opening one
 * checks, in this order, that it is an envelope, that its signature verifies with the certificate it
 * carries (so any change to the payload shows), and that its payload is the expected type of document.
 * Whether the signer is trusted is the reader's own question: see {@link #requireIssuedBy}.
 */
record SignedDocument(Envelope envelope, X509Certificate signer, String type, String payload) {

    /** Signs {@code payload} with the server's signing key and attaches the signing certificate. */
    static String seal(Object payload, Pki pki) {
        String json = SyncJson.write(payload);
        return Envelope.sign(json, pki.signingKey(), pki.signingKeyId(), PemFiles.toPem(pki.signingCert())).toJson();
    }

    /**
     * {@link #seal(Object, Pki)} for a payload too large to hold: {@code payload} writes it, and it is signed and
     * written to {@code out} as it goes (see {@link Envelope#write}).
     */
    static void seal(OutputStream out, Envelope.PayloadWriter payload, Pki pki) throws IOException {
        Envelope.write(out, payload, pki.signingKey(), pki.signingKeyId(), PemFiles.toPem(pki.signingCert()));
    }

    /**
     * Opens a file that should hold a document of type {@code expected} ({@code SYNC_REQUEST} or
     * {@code SYNC_RESPONSE}); {@code what} names it in messages. Malformed input is a 400; a signature that
     * does not verify, or a document of another type, a 422.
     */
    static SignedDocument open(byte[] file, String expected, String what) {
        return open(new ByteArrayInputStream(file), expected, what);
    }

    /**
     * {@link #open(byte[], String, String)} reading {@code file} as it arrives; a stream that fails (too
     * large, corrupt gzip: see {@link SyncFiles#failure}) is a 413 or 400.
     */
    static SignedDocument open(InputStream file, String expected, String what) {
        Envelope envelope;
        String actual;
        try (file) {
            envelope = Envelope.parse(file);
            actual = typeOf(envelope.payload());
        } catch (Envelope.MalformedException e) {
            throw new ClientError.BadRequest("this is not a sync file (" + what + "): " + e.getMessage());
        } catch (IOException e) {
            throw SyncFiles.failure(e, what);
        }
        String pem = envelope.signature().certificate();
        if (pem == null || pem.isBlank()) {
            throw new ClientError.Unprocessable("signature.certificate",
                    "the " + what + " carries no signer certificate in signature.certificate");
        }
        X509Certificate signer;
        try {
            signer = PemFiles.certificateFromPem(pem);
        } catch (RuntimeException e) {
            throw new ClientError.Unprocessable("signature.certificate",
                    "the " + what + "'s signature.certificate is not a PEM certificate");
        }
        if (!envelope.verify(signer.getPublicKey())) {
            throw new ClientError.Unprocessable("signature", "the " + what + "'s signature does not verify: the file"
                    + " was changed after it was signed, or was not signed by the certificate it carries");
        }
        if (!expected.equals(actual)) {
            throw new ClientError.Unprocessable("type", wrongType(actual, expected, what));
        }
        return new SignedDocument(envelope, signer, actual, envelope.payload());
    }

    /**
     * The payload's top-level {@code type} when it is a string, else null; the rest is only skipped, not
     * built into a tree, since a payload can be hundreds of megabytes and is read in full once, later.
     */
    private static String typeOf(String payload) throws Envelope.MalformedException {
        try (JsonParser parser = SyncJson.MAPPER.getFactory().createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Envelope.MalformedException("payload must hold a JSON object");
            }
            String type = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isType = "type".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (isType && value == JsonToken.VALUE_STRING) {
                    type = parser.getText();
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw new Envelope.MalformedException("payload holds more than one JSON value");
            }
            return type;
        } catch (IOException e) {
            throw new Envelope.MalformedException("payload is not valid JSON");
        }
    }

    private static String wrongType(String actual, String expected, String what) {
        if (SyncRequest.TYPE.equals(actual)) {
            return "this is a sync request (type SYNC_REQUEST), not a " + what + ": take it to the upstream, which"
                    + " turns it into the sync response to upload here";
        }
        if (SyncResponse.TYPE.equals(actual)) {
            return "this is a sync response (type SYNC_RESPONSE), not a " + what + ": upload it to the satellite"
                    + " it answers";
        }
        return "this is not a " + what + ": its payload's type is " + (actual == null ? "missing" : "'" + actual + "'")
                + ", not " + expected;
    }

    /** Refuses a signer not issued by {@code root}: the file may be genuine, but from an upstream not trusted here. */
    void requireIssuedBy(X509Certificate root, String rootName) {
        boolean issued = root.getSubjectX500Principal().equals(signer.getIssuerX500Principal());
        if (issued) {
            try {
                signer.verify(root.getPublicKey(), Crypto.provider());
            } catch (GeneralSecurityException | RuntimeException e) {
                issued = false;
            }
        }
        if (!issued) {
            throw new ClientError.Unprocessable("signature.certificate", "the file is signed by '"
                    + signer.getSubjectX500Principal().getName() + "', whose certificate does not chain to " + rootName
                    + ": it comes from another upstream than the one this satellite trusts");
        }
    }

    /** SHA-256 of the payload's exact bytes, in hex: what identifies the document applied last. */
    String payloadDigest() {
        return sha256(payload.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of the signer certificate's DER, in hex: what a satellite is pinned to. */
    String signerFingerprint() {
        try {
            return sha256(signer.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new ClientError.Unprocessable("signature.certificate", "the signer certificate cannot be encoded");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
