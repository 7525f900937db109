package dev.smartsat.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.OnEachCryptoProvider;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

@OnEachCryptoProvider
class CrlTest {
    @Parameter
    CryptoProvider provider;

    @TempDir
    Path certs;
    Pki pki;

    // Each test, so that every key is the provider's of the moment (a @BeforeAll would run once, before the first).
    @BeforeEach
    void createPki() {
        pki = Pki.loadOrCreate(certs, List.of(), Clock.systemUTC());
    }

    @Test
    void listsTheRevokedSerialsAndIsSignedByTheProductCa() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BigInteger first = Crypto.randomSerial();
        BigInteger second = Crypto.randomSerial();

        X509CRL crl = PemFiles.crlFromPem(pki.crlPem(List.of(new RevokedCertificate(first, now.minusSeconds(30)),
                new RevokedCertificate(second, now)), now, now.plus(Duration.ofDays(7))));

        crl.verify(pki.productCa().getPublicKey());
        assertEquals(2, crl.getVersion());
        assertEquals("SHA256withECDSA", crl.getSigAlgName());
        assertEquals(pki.productCa().getSubjectX500Principal(), crl.getIssuerX500Principal());
        assertEquals(now, crl.getThisUpdate().toInstant());
        assertEquals(now.plus(Duration.ofDays(7)), crl.getNextUpdate().toInstant());
        X509CRLEntry entry = crl.getRevokedCertificate(first);
        assertNotNull(entry);
        assertEquals(now.minusSeconds(30), entry.getRevocationDate().toInstant());
        assertNotNull(crl.getRevokedCertificate(second));
        assertEquals(2, crl.getRevokedCertificates().size());
        assertNotNull(crl.getExtensionValue("2.5.29.35"), "authority key identifier");
    }

    @Test
    void anEmptyCrlIsValidAndListsNothing() throws Exception {
        Instant now = Instant.now();

        X509CRL crl = PemFiles.crlFromPem(pki.crlPem(List.of(), now, now.plus(Duration.ofHours(1))));

        crl.verify(pki.productCa().getPublicKey());
        assertNull(crl.getRevokedCertificates());
        assertNotNull(crl.getNextUpdate());
    }

    @Test
    void crlNumbersRiseEvenForTheSameInstant() throws Exception {
        Instant now = Instant.now();

        BigInteger a = crlNumber(PemFiles.crlFromPem(pki.crlPem(List.of(), now, now.plusSeconds(60))));
        BigInteger b = crlNumber(PemFiles.crlFromPem(pki.crlPem(List.of(), now, now.plusSeconds(60))));
        BigInteger c = crlNumber(PemFiles.crlFromPem(pki.crlPem(List.of(), now.plusSeconds(10), now.plusSeconds(70))));

        assertTrue(a.compareTo(b) < 0 && b.compareTo(c) < 0, a + " " + b + " " + c);
        assertTrue(a.longValueExact() >= now.toEpochMilli());
    }

    private static BigInteger crlNumber(X509CRL crl) {
        byte[] extension = crl.getExtensionValue("2.5.29.20");
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getValue();
    }

    @Test
    void javaRevocationCheckingRejectsAListedIdCertificate() throws Exception {
        Instant now = Instant.now();
        X509Certificate id = pki.issueIdCertificate(TestSupport.csr(Crypto.generateP256KeyPair()),
                "piid", "Default", "Example Corp", "UCM", "cc920", now);
        X509CRL crl = PemFiles.crlFromPem(pki.crlPem(List.of(new RevokedCertificate(id.getSerialNumber(), now)),
                now.minusSeconds(60), now.plus(Duration.ofDays(1))));
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        // The root publishes no CRL for the product CA; only the device certificate is checked, from CRLs only.
        checker.setOptions(Set.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(pki.root(), null)));
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
        parameters.addCertPathChecker(checker);
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(id, pki.productCa()));

        CertPathValidatorException error = assertThrows(CertPathValidatorException.class,
                () -> validator.validate(path, parameters));
        assertEquals(CertPathValidatorException.BasicReason.REVOKED, error.getReason());
    }

    @Test
    void nextUpdateMustFollowThisUpdate() {
        Instant now = Instant.now();
        assertThrows(IllegalArgumentException.class, () -> pki.crlPem(List.of(), now, now));
    }
}
