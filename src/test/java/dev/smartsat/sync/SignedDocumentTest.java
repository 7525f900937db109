package dev.smartsat.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.core.ClientError;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Pki;
import dev.smartsat.transport.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening sync files: the envelope, the signer's certificate, the type, and files far larger than a transport message. */
class SignedDocumentTest {
    @TempDir
    static Path dir;
    static Pki upstream;
    static Pki stranger;

    @BeforeAll
    static void pkis() {
        upstream = Pki.loadOrCreate(dir.resolve("upstream"), List.of(), Clock.systemUTC());
        stranger = Pki.loadOrCreate(dir.resolve("stranger"), List.of(), Clock.systemUTC());
    }

    @Test
    void aPayloadOfMoreThanTwentyMillionCharactersOpens() {
        // 100,000 instances make a ~51 MB payload string; Jackson refuses strings over 20 M characters by default.
        String payload = "{\"type\":\"SYNC_REQUEST\",\"padding\":\"" + "x".repeat(25_000_000) + "\"}";
        byte[] file = sign(payload, upstream);
        SignedDocument opened = SignedDocument.open(file, SyncRequest.TYPE, "sync request");
        assertEquals(payload, opened.payload());
    }

    @Test
    void theSignerMustChainToTheTrustedRoot() {
        SignedDocument opened = SignedDocument.open(sign("{\"type\":\"SYNC_RESPONSE\"}", stranger), SyncResponse.TYPE,
                "sync response");
        opened.requireIssuedBy(stranger.root(), "the stranger's root");
        ClientError e = assertThrows(ClientError.class, () -> opened.requireIssuedBy(upstream.root(), "upstream.trust"));
        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("does not chain to upstream.trust"), e.getMessage());
    }

    @Test
    void aFileWithoutItsSignersCertificateOrOfAnotherTypeIsRefused() {
        String payload = "{\"type\":\"SYNC_RESPONSE\"}";
        byte[] bare = Envelope.sign(payload, upstream.signingKey(), upstream.signingKeyId()).toJson()
                .getBytes(StandardCharsets.UTF_8);
        ClientError missing = assertThrows(ClientError.class, () -> SignedDocument.open(bare, SyncResponse.TYPE, "x"));
        assertEquals(422, missing.status());
        ClientError wrongType = assertThrows(ClientError.class,
                () -> SignedDocument.open(sign("{\"type\":\"SOMETHING\"}", upstream), SyncResponse.TYPE, "sync response"));
        assertTrue(wrongType.getMessage().contains("'SOMETHING'"), wrongType.getMessage());
    }

    static byte[] sign(String payload, Pki pki) {
        return Envelope.sign(payload, pki.signingKey(), pki.signingKeyId(), PemFiles.toPem(pki.signingCert())).toJson()
                .getBytes(StandardCharsets.UTF_8);
    }
}
