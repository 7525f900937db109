package dev.smartsat.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.OnEachCryptoProvider;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

@OnEachCryptoProvider
class PemFilesTest {
    @Parameter
    CryptoProvider provider;

    @TempDir
    Path dir;

    @Test
    void privateKeyIsWrittenAsPkcs8WithMode0600AndReadBack() throws Exception {
        KeyPair keys = Crypto.generateP256KeyPair();
        Path file = dir.resolve("key.pem");

        PemFiles.writePrivateKey(file, keys.getPrivate());

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
        String text = Files.readString(file);
        assertTrue(text.startsWith("-----BEGIN PRIVATE KEY-----\n"), text);
        assertFalse(text.contains("\r"));
        PrivateKey read = PemFiles.readPrivateKey(file);
        assertArrayEquals(keys.getPrivate().getEncoded(), read.getEncoded());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void overwritingAWorldReadableFileLeavesAKeyWithMode0600() throws Exception {
        Path file = dir.resolve("key.pem");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        PemFiles.writePrivateKey(file, Crypto.generateP256KeyPair().getPrivate());

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
    }

    @Test
    void readsTraditionalOpensslEcPrivateKeys() throws Exception {
        // A BouncyCastle key, whose SEC1 form names its curve as OpenSSL's does; ACCP's PKCS#8 names it only outside
        // the SEC1 structure, which JcaPEMWriter then leaves without a curve.
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", CryptoProviders.bouncyCastle());
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        StringWriter sec1 = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(sec1)) {
            writer.writeObject(keys.getPrivate());
        }
        assertTrue(sec1.toString().contains("BEGIN EC PRIVATE KEY"));

        PrivateKey read = PemFiles.privateKeyFromPem(sec1.toString());

        assertTrue(PkiBootstrap.keyMatches(read, keys.getPublic()));
    }

    @Test
    void certificatePemIsExactlyWhatBouncyCastleWrites() throws Exception {
        Pki pki = Pki.loadOrCreate(dir.resolve("pem-certs"), List.of(), Clock.systemUTC());
        for (X509Certificate certificate : List.of(pki.root(), pki.productCa(), pki.signingCert(), pki.tlsCert())) {
            StringWriter bc = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(bc)) {
                writer.writeObject(certificate);
            }
            String ours = PemFiles.toPem(certificate);
            assertEquals(bc.toString().replace("\r\n", "\n"), ours);
            assertEquals(certificate, PemFiles.certificateFromPem(ours));
        }
    }

    @Test
    void certificateCsrCrlAndPublicKeyRoundTrip() throws Exception {
        Pki pki = Pki.loadOrCreate(dir.resolve("certs"), List.of(), Clock.systemUTC());
        Path certFile = dir.resolve("signing-copy.pem");
        PemFiles.write(certFile, pki.signingCert());
        assertEquals(pki.signingCert(), PemFiles.readCertificate(certFile));

        List<X509Certificate> bundle = PemFiles.certificatesFromPem(pki.trustBundlePem());
        assertEquals(List.of(pki.root(), pki.productCa(), pki.signingCert()), bundle);

        KeyPair device = Crypto.generateP256KeyPair();
        PKCS10CertificationRequest csr = TestSupport.csr(device);
        Path csrFile = dir.resolve("device.csr");
        PemFiles.write(csrFile, csr);
        assertTrue(Files.readString(csrFile).startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
        assertEquals(csr, PemFiles.readCsr(csrFile));

        Instant now = Instant.now();
        X509CRL crl = PemFiles.crlFromPem(pki.crlPem(List.of(), now, now.plusSeconds(3600)));
        Path crlFile = dir.resolve("crl.pem");
        PemFiles.write(crlFile, crl);
        assertEquals(crl, PemFiles.readCrl(crlFile));

        Path keyFile = dir.resolve("device.pub");
        PemFiles.write(keyFile, device.getPublic());
        assertTrue(Files.readString(keyFile).startsWith("-----BEGIN PUBLIC KEY-----"));
        assertArrayEquals(device.getPublic().getEncoded(), PemFiles.readPublicKey(keyFile).getEncoded());
    }

    @Test
    void refusesToWriteAPrivateKeyThroughThePublicWriter() {
        PrivateKey key = Crypto.generateP256KeyPair().getPrivate();
        assertThrows(IllegalArgumentException.class, () -> PemFiles.write(dir.resolve("k.pem"), key));
    }

    @Test
    void anUnusableFileIsNamedInTheError() throws Exception {
        Path file = dir.resolve("ca.pem");
        Files.writeString(file, "not a certificate\n");

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PemFiles.readCertificate(file));

        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
    }

    @Test
    void garbageAndMissingBlocksAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> PemFiles.certificateFromPem("not pem"));
        assertThrows(IllegalArgumentException.class, () -> PemFiles.privateKeyFromPem(
                PemFiles.toPem(Crypto.generateP256KeyPair().getPublic())));
        assertThrows(IllegalArgumentException.class,
                () -> PemFiles.csrFromPem("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"));
        assertThrows(IllegalArgumentException.class, () -> PemFiles.publicKeyFromPem(null));
    }
}
