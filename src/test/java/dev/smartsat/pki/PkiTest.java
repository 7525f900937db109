package dev.smartsat.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smartsat.OnEachCryptoProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

@OnEachCryptoProvider
class PkiTest {
    @Parameter
    CryptoProvider provider;

    private static final List<String> KEY_FILES = List.of(Pki.ROOT_KEY_FILE, Pki.PRODUCT_CA_KEY_FILE,
            Pki.SIGNING_KEY_FILE, Pki.TLS_KEY_FILE);
    private static final List<String> ALL_FILES = List.of(Pki.ROOT_FILE, Pki.ROOT_KEY_FILE, Pki.PRODUCT_CA_FILE,
            Pki.PRODUCT_CA_KEY_FILE, Pki.SIGNING_FILE, Pki.SIGNING_KEY_FILE, Pki.TLS_FILE, Pki.TLS_KEY_FILE);

    @TempDir
    Path temp;

    private Pki create(Path dir, String... hostNames) {
        return Pki.loadOrCreate(dir, List.of(hostNames), Clock.systemUTC());
    }

    @Test
    void generatesEveryFileOfTheSpecWithKeysOwnerOnly() throws Exception {
        Path dir = temp.resolve("certs/nested");
        Pki pki = Pki.init(dir, List.of(), Clock.systemUTC());

        for (String name : ALL_FILES) {
            assertTrue(Files.isRegularFile(dir.resolve(name)), name);
            assertTrue(pki.created().contains(dir.resolve(name)), name);
        }
        assertEquals(ALL_FILES.size(), pki.created().size());
        for (String name : KEY_FILES) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve(name)), name);
        }
    }

    @Test
    void certificatesChainToTheRootAndCarryTheirProfiles() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Pki pki = Pki.loadOrCreate(temp, List.of(), Clock.fixed(now, ZoneOffset.UTC));

        TestSupport.validate(pki.root(), pki.productCa());
        TestSupport.validate(pki.root(), pki.signingCert());
        TestSupport.validate(pki.root(), pki.tlsCert());

        assertEquals("CN=SmartSat Root CA", pki.root().getSubjectX500Principal().getName());
        assertEquals(pki.root().getSubjectX500Principal(), pki.root().getIssuerX500Principal());
        assertEquals("CN=SmartSat Product Instance CA", pki.productCa().getSubjectX500Principal().getName());
        assertEquals("CN=SmartSat Signing", pki.signingCert().getSubjectX500Principal().getName());
        assertEquals("CN=localhost", pki.tlsCert().getSubjectX500Principal().getName());

        assertEquals(Integer.MAX_VALUE, pki.root().getBasicConstraints());
        assertEquals(0, pki.productCa().getBasicConstraints());
        assertEquals(-1, pki.signingCert().getBasicConstraints());
        assertEquals(-1, pki.tlsCert().getBasicConstraints());
        assertKeyUsage(pki.root(), KEY_CERT_SIGN, CRL_SIGN);
        assertKeyUsage(pki.productCa(), KEY_CERT_SIGN, CRL_SIGN);
        assertKeyUsage(pki.signingCert(), DIGITAL_SIGNATURE);
        assertKeyUsage(pki.tlsCert(), DIGITAL_SIGNATURE, KEY_AGREEMENT);
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), pki.tlsCert().getExtendedKeyUsage());

        for (X509Certificate certificate : List.of(pki.root(), pki.productCa(), pki.signingCert(), pki.tlsCert())) {
            assertEquals("SHA256withECDSA", certificate.getSigAlgName());
            assertEquals(now.minus(Duration.ofMinutes(5)), certificate.getNotBefore().toInstant());
            assertTrue(certificate.getSerialNumber().signum() > 0);
            assertTrue(certificate.getSerialNumber().bitLength() > 64);
            assertTrue(certificate.getExtensionValue("2.5.29.14") != null, "subject key identifier");
            assertTrue(certificate.getExtensionValue("2.5.29.35") != null, "authority key identifier");
        }
        assertEquals(now.atOffset(ZoneOffset.UTC).plusYears(10).toInstant(), pki.root().getNotAfter().toInstant());
        assertEquals(now.atOffset(ZoneOffset.UTC).plusYears(2).toInstant(), pki.tlsCert().getNotAfter().toInstant());
    }

    // Indexes of X509Certificate.getKeyUsage() (RFC 5280 bit numbers).
    static final int DIGITAL_SIGNATURE = 0;
    static final int KEY_AGREEMENT = 4;
    static final int KEY_CERT_SIGN = 5;
    static final int CRL_SIGN = 6;

    static void assertKeyUsage(X509Certificate certificate, int... bits) {
        boolean[] expected = new boolean[9];
        for (int bit : bits) {
            expected[bit] = true;
        }
        assertArrayEquals(expected, Arrays.copyOf(certificate.getKeyUsage(), 9),
                certificate.getSubjectX500Principal().getName());
        assertTrue(certificate.getCriticalExtensionOIDs().contains("2.5.29.15"), "key usage is critical");
    }

    @Test
    void tlsCertificateCoversLocalhostLoopbackAndConfiguredNames() throws Exception {
        Pki pki = create(temp, "satellite.example.com", "10.1.2.3", " ", "[::1]");

        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        Collection<List<?>> names = pki.tlsCert().getSubjectAlternativeNames();
        for (List<?> name : names) {
            ((Integer) name.get(0) == 2 ? dns : ips).add((String) name.get(1));
        }
        assertEquals(List.of("localhost", "satellite.example.com"), dns);
        assertTrue(ips.contains("127.0.0.1"), ips.toString());
        assertTrue(ips.contains("10.1.2.3"), ips.toString());
        assertTrue(ips.contains("0:0:0:0:0:0:0:1"), ips.toString());
    }

    @Test
    void loadingAgainReusesTheFilesOnDisk() throws Exception {
        Pki first = create(temp, "sat.example.com");
        String before = Files.readString(temp.resolve(Pki.TLS_FILE));

        Pki second = create(temp, "SAT.example.com");

        assertEquals(List.of(), second.created());
        assertEquals(first.root(), second.root());
        assertEquals(first.productCa(), second.productCa());
        assertEquals(first.signingCert(), second.signingCert());
        assertEquals(first.tlsCert(), second.tlsCert());
        assertArrayEquals(first.signingKey().getEncoded(), second.signingKey().getEncoded());
        assertEquals(first.signingKeyId(), second.signingKeyId());
        assertEquals(before, Files.readString(temp.resolve(Pki.TLS_FILE)));
    }

    @Test
    void tlsCertificateIsReissuedWhenAHostNameIsAdded() throws Exception {
        Pki first = create(temp);
        Pki second = create(temp, "new-name.example.com");

        assertEquals(List.of(temp.resolve(Pki.TLS_KEY_FILE), temp.resolve(Pki.TLS_FILE)), second.created());
        assertNotEquals(first.tlsCert(), second.tlsCert());
        assertEquals(first.signingCert(), second.signingCert());
        assertTrue(second.tlsCert().getSubjectAlternativeNames().stream()
                .anyMatch(name -> "new-name.example.com".equals(name.get(1))));
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(temp.resolve(Pki.TLS_KEY_FILE)));
    }

    @Test
    void bringYourOwnRootIssuesTheRestFromIt() throws Exception {
        Instant now = Instant.now();
        KeyPair rootKeys = Crypto.generateP256KeyPair();
        X509Certificate ownRoot = CertificateIssuer.selfSigned(rootKeys, new X500Name("CN=Example Corp Lab Root,O=Example Corp"),
                now.minusSeconds(60), now.plus(Duration.ofDays(400)), List.of(
                        CertificateIssuer.basicConstraints(true, null),
                        CertificateIssuer.keyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
        PemFiles.write(temp.resolve(Pki.ROOT_FILE), ownRoot);
        PemFiles.writePrivateKey(temp.resolve(Pki.ROOT_KEY_FILE), rootKeys.getPrivate());

        Pki pki = create(temp);

        assertEquals(ownRoot, pki.root());
        assertFalse(pki.created().contains(temp.resolve(Pki.ROOT_FILE)));
        assertEquals(6, pki.created().size());
        TestSupport.validate(ownRoot, pki.productCa());
        TestSupport.validate(ownRoot, pki.signingCert());
        TestSupport.validate(ownRoot, pki.tlsCert());
    }

    @Test
    void rootWhoseKeyDoesNotMatchIsRefusedClearly() throws Exception {
        Pki original = create(temp.resolve("a"));
        Path dir = temp.resolve("b");
        Files.createDirectories(dir);
        PemFiles.write(dir.resolve(Pki.ROOT_FILE), original.root());
        PemFiles.writePrivateKey(dir.resolve(Pki.ROOT_KEY_FILE), Crypto.generateP256KeyPair().getPrivate());

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> create(dir));

        assertTrue(error.getMessage().contains("ca-key.pem does not match"), error.getMessage());
        assertTrue(error.getMessage().contains("ca.pem"), error.getMessage());
        assertFalse(Files.exists(dir.resolve(Pki.PRODUCT_CA_FILE)), "nothing is issued from a broken root");
    }

    @Test
    void certificatesFromAnotherRootAreRefusedNotSilentlyReplaced() throws Exception {
        create(temp);
        Pki other = create(temp.resolve("other"));
        Files.copy(temp.resolve("other").resolve(Pki.ROOT_FILE), temp.resolve(Pki.ROOT_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        PemFiles.writePrivateKey(temp.resolve(Pki.ROOT_KEY_FILE),
                PemFiles.readPrivateKey(temp.resolve("other").resolve(Pki.ROOT_KEY_FILE)));

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> create(temp));

        assertTrue(error.getMessage().contains("product-ca.pem was not issued by"), error.getMessage());
        assertEquals(other.root(), PemFiles.readCertificate(temp.resolve(Pki.ROOT_FILE)));
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() throws Exception {
        create(temp);
        Files.delete(temp.resolve(Pki.SIGNING_KEY_FILE));

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> create(temp));

        assertTrue(error.getMessage().contains("signing-key.pem is missing"), error.getMessage());
    }

    @Test
    void theRootKeyMayStayOfflineOnceEverythingIsIssued() throws Exception {
        Pki first = create(temp);
        Files.delete(temp.resolve(Pki.ROOT_KEY_FILE));

        Pki second = create(temp);
        assertEquals(first.tlsCert(), second.tlsCert());

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> create(temp, "more.example.com"));
        assertTrue(error.getMessage().contains("ca-key.pem is missing"), error.getMessage());
    }

    @Test
    void trustBundleIsRootProductCaAndSigningCertificate() throws Exception {
        Pki pki = create(temp);

        assertEquals(PemFiles.toPem(pki.root()) + PemFiles.toPem(pki.productCa()) + PemFiles.toPem(pki.signingCert()),
                pki.trustBundlePem());
        assertEquals(pki.signingCert().getSerialNumber().toString(16), pki.signingKeyId());
        assertEquals(pki.signingKeyId().toLowerCase(), pki.signingKeyId());
    }

    @Test
    void signingKeySignsWhatTheSigningCertificateVerifies() throws Exception {
        Pki pki = create(temp);
        byte[] payload = "{\"status\":\"OK\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        byte[] signature = Signatures.sign(pki.signingKey(), payload);

        assertTrue(Signatures.verify(pki.signingCert().getPublicKey(), payload, signature));
    }

    @Test
    void tlsKeyStoreHoldsTheKeyAndChain() throws Exception {
        Pki pki = create(temp);
        char[] password = "changeit".toCharArray();

        KeyStore store = pki.tlsKeyStore(password);

        PrivateKey key = (PrivateKey) store.getKey("tls", password);
        assertArrayEquals(pki.tlsKey().getEncoded(), key.getEncoded());
        Certificate[] chain = store.getCertificateChain("tls");
        assertArrayEquals(new Certificate[] {pki.tlsCert(), pki.root()}, chain);
    }

    @Test
    void opensslVerifiesTheIssuedCertificatesAgainstTheRoot() throws Exception {
        assumeTrue(TestSupport.opensslAvailable(), "openssl is not on PATH");
        create(temp, "sat.example.com");

        for (String file : List.of(Pki.TLS_FILE, Pki.SIGNING_FILE, Pki.PRODUCT_CA_FILE)) {
            TestSupport.Result result = TestSupport.openssl(temp, "verify", "-CAfile", Pki.ROOT_FILE, file);
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains(file + ": OK"), result.output());
        }
        TestSupport.Result host = TestSupport.openssl(temp, "verify", "-CAfile", Pki.ROOT_FILE,
                "-purpose", "sslserver", "-verify_hostname", "sat.example.com", Pki.TLS_FILE);
        assertEquals(0, host.exitCode(), host.output());
    }

    @Test
    void acceptsARootMadeWithOpenssl() throws Exception {
        assumeTrue(TestSupport.opensslAvailable(), "openssl is not on PATH");
        TestSupport.Result made = TestSupport.openssl(temp, "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", Pki.ROOT_KEY_FILE, "-out", Pki.ROOT_FILE,
                "-subj", "/O=Example Corp/CN=Example Lab Root", "-days", "30");
        assertEquals(0, made.exitCode(), made.output());

        Pki pki = create(temp);

        assertEquals("CN=Example Lab Root,O=Example Corp", pki.root().getSubjectX500Principal().getName());
        TestSupport.Result result = TestSupport.openssl(temp, "verify", "-CAfile", Pki.ROOT_FILE,
                Pki.PRODUCT_CA_FILE, Pki.SIGNING_FILE, Pki.TLS_FILE);
        assertEquals(0, result.exitCode(), result.output());
    }
}
