package dev.smartsat.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smartsat.OnEachCryptoProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

@OnEachCryptoProvider
class IdCertificateTest {
    @Parameter
    CryptoProvider provider;

    private static final String PIID = "6ca07f56-145c-4ace-bdc2-40417fd49d47";

    @TempDir
    Path certs;
    Pki pki;

    @TempDir
    Path work;

    // Each test, so that every key is the provider's of the moment (a @BeforeAll would run once, before the first).
    @BeforeEach
    void createPki() {
        pki = Pki.loadOrCreate(certs, List.of(), Clock.systemUTC());
    }

    private X509Certificate issue(PKCS10CertificationRequest csr, Instant now) {
        return pki.issueIdCertificate(csr, PIID, "Lab", "Example Corp", "C9300-24UX", "FCW2134L0RN", now);
    }

    @Test
    void isIssuedByTheProductCaAndValidatesUpToTheRoot() throws Exception {
        X509Certificate id = issue(TestSupport.csr(Crypto.generateP256KeyPair()), Instant.now());

        assertEquals(pki.productCa().getSubjectX500Principal(), id.getIssuerX500Principal());
        id.verify(pki.productCa().getPublicKey());
        TestSupport.validate(pki.root(), id, pki.productCa());
    }

    @Test
    void subjectNamesTheInstanceAccountsAndUdi() throws Exception {
        X509Certificate id = issue(TestSupport.csr(Crypto.generateP256KeyPair()), Instant.now());
        X500Name subject = X500Name.getInstance(id.getSubjectX500Principal().getEncoded());

        assertEquals(PIID, value(subject, BCStyle.CN));
        assertEquals("Lab", value(subject, BCStyle.OU));
        assertEquals("Example Corp", value(subject, BCStyle.O));
        assertEquals("P:C9300-24UX,S:FCW2134L0RN", value(subject, BCStyle.SERIALNUMBER));
        assertTrue(id.getSubjectX500Principal().toString().startsWith("CN=" + PIID + ", OU=Lab, O=Example Corp, "),
                id.getSubjectX500Principal().toString());
    }

    private static String value(X500Name name, ASN1ObjectIdentifier type) {
        return ((ASN1String) name.getRDNs(type)[0].getFirst().getValue()).getString();
    }

    @Test
    void isAClientAuthenticationEndEntityValidFor365Days() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate id = issue(TestSupport.csr(Crypto.generateP256KeyPair()), now);

        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), id.getExtendedKeyUsage());
        PkiTest.assertKeyUsage(id, PkiTest.DIGITAL_SIGNATURE);
        assertEquals(-1, id.getBasicConstraints());
        assertEquals(now.minus(Duration.ofMinutes(5)), id.getNotBefore().toInstant());
        assertEquals(now.plus(Duration.ofDays(365)), id.getNotAfter().toInstant());
        assertEquals("SHA256withECDSA", id.getSigAlgName());
        assertTrue(id.getExtensionValue("2.5.29.14") != null, "subject key identifier");
        assertTrue(id.getExtensionValue("2.5.29.35") != null, "authority key identifier");
    }

    @Test
    void carriesTheCsrKeyAndAFreshSerialEachTime() throws Exception {
        KeyPair device = Crypto.generateP256KeyPair();
        PKCS10CertificationRequest csr = TestSupport.csr(device);

        X509Certificate first = issue(csr, Instant.now());
        X509Certificate renewed = issue(csr, Instant.now());

        assertEquals(device.getPublic(), first.getPublicKey());
        assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
        assertTrue(first.getSerialNumber().bitLength() > 64);
    }

    @Test
    void aProductIdOutsideThePrintableAlphabetStillMakesAValidCertificate() throws Exception {
        X509Certificate id = pki.issueIdCertificate(TestSupport.csr(Crypto.generateP256KeyPair()), PIID, "Default",
                "Example Corp", "WEIRD_PID/1", "S1", Instant.now());

        X500Name subject = X500Name.getInstance(id.getSubjectX500Principal().getEncoded());
        assertEquals("P:WEIRD_PID/1,S:S1", value(subject, BCStyle.SERIALNUMBER));
        TestSupport.validate(pki.root(), id, pki.productCa());
    }

    @Test
    void refusesACsrWhoseSelfSignatureDoesNotVerify() throws Exception {
        PKCS10CertificationRequest forged = TestSupport.csr(Crypto.generateP256KeyPair(),
                Crypto.generateP256KeyPair(), Crypto.SIGNATURE_ALGORITHM);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> issue(forged, Instant.now()));
        assertTrue(error.getMessage().contains("signature"), error.getMessage());
    }

    @Test
    void refusesRsaAndP384Keys() throws Exception {
        KeyPair rsa = TestSupport.keyPair("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
        KeyPair p384 = TestSupport.keyPair("EC", new ECGenParameterSpec("secp384r1"));

        IllegalArgumentException rsaError = assertThrows(IllegalArgumentException.class,
                () -> issue(TestSupport.csr(rsa, rsa, "SHA256withRSA"), Instant.now()));
        IllegalArgumentException p384Error = assertThrows(IllegalArgumentException.class,
                () -> issue(TestSupport.csr(p384, p384, "SHA384withECDSA"), Instant.now()));

        assertTrue(rsaError.getMessage().contains("P-256") && rsaError.getMessage().contains("RSA"), rsaError.getMessage());
        assertTrue(p384Error.getMessage().contains("secp384r1"), p384Error.getMessage());
    }

    @Test
    void refusesAMissingCsrOrSubjectField() {
        assertThrows(IllegalArgumentException.class, () -> issue(null, Instant.now()));
        assertThrows(IllegalArgumentException.class, () -> pki.issueIdCertificate(
                TestSupport.csr(Crypto.generateP256KeyPair()), PIID, "Lab", " ", "PID", "SN", Instant.now()));
    }

    @Test
    void opensslVerifiesALiveIdCertificateAndRejectsARevokedOneWithCrlCheck() throws Exception {
        assumeTrue(TestSupport.opensslAvailable(), "openssl is not on PATH");
        Instant now = Instant.now();
        X509Certificate live = issue(TestSupport.csr(Crypto.generateP256KeyPair()), now);
        X509Certificate revoked = issue(TestSupport.csr(Crypto.generateP256KeyPair()), now);
        PemFiles.write(work.resolve("ca.pem"), pki.root());
        PemFiles.write(work.resolve("product-ca.pem"), pki.productCa());
        PemFiles.write(work.resolve("live.pem"), live);
        PemFiles.write(work.resolve("revoked.pem"), revoked);
        Files.writeString(work.resolve("crl.pem"), pki.crlPem(
                List.of(new RevokedCertificate(revoked.getSerialNumber(), now)),
                now.minusSeconds(60), now.plus(Duration.ofDays(1))));

        for (String id : List.of("live.pem", "revoked.pem")) {
            TestSupport.Result plain = TestSupport.openssl(work, "verify", "-CAfile", "ca.pem",
                    "-untrusted", "product-ca.pem", id);
            assertEquals(0, plain.exitCode(), plain.output());
            assertTrue(plain.output().contains(id + ": OK"), plain.output());
        }
        TestSupport.Result liveChecked = TestSupport.openssl(work, "verify", "-CAfile", "ca.pem",
                "-untrusted", "product-ca.pem", "-CRLfile", "crl.pem", "-crl_check", "live.pem");
        assertEquals(0, liveChecked.exitCode(), liveChecked.output());

        TestSupport.Result revokedChecked = TestSupport.openssl(work, "verify", "-CAfile", "ca.pem",
                "-untrusted", "product-ca.pem", "-CRLfile", "crl.pem", "-crl_check", "revoked.pem");
        assertNotEquals(0, revokedChecked.exitCode(), revokedChecked.output());
        assertTrue(revokedChecked.output().contains("certificate revoked"), revokedChecked.output());
        assertFalse(revokedChecked.output().contains("revoked.pem: OK"), revokedChecked.output());
    }
}
