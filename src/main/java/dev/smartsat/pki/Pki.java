package dev.smartsat.pki;

import dev.smartsat.pki.CertificateIssuer.Authority;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** The satellite's certificate authority (SPEC §2): its certificates and keys, ID certificates and the CRL. */
public final class Pki {
    public static final String ROOT_FILE = "ca.pem";
    public static final String ROOT_KEY_FILE = "ca-key.pem";
    public static final String PRODUCT_CA_FILE = "product-ca.pem";
    public static final String PRODUCT_CA_KEY_FILE = "product-ca-key.pem";
    public static final String SIGNING_FILE = "signing.pem";
    public static final String SIGNING_KEY_FILE = "signing-key.pem";
    public static final String TLS_FILE = "tls.pem";
    public static final String TLS_KEY_FILE = "tls-key.pem";

    public static final String ROOT_CN = "SmartSat Root CA";
    public static final String PRODUCT_CA_CN = "SmartSat Product Instance CA";
    public static final String SIGNING_CN = "SmartSat Signing";
    public static final String TLS_CN = "localhost";

    /** How long an ID certificate lives (SPEC §2). */
    public static final Duration ID_CERT_VALIDITY = Duration.ofDays(365);
    /** Every certificate starts this far in the past, so a client whose clock lags a little still accepts it. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final X509Certificate root;
    private final Authority productCa;
    private final X509Certificate signingCert;
    private final PrivateKey signingKey;
    private final X509Certificate tlsCert;
    private final PrivateKey tlsKey;
    private final List<Path> created;
    private final String trustBundlePem;
    private final AtomicLong lastCrlNumber = new AtomicLong();

    private Pki(PkiBootstrap.Material material) {
        this.root = material.root();
        this.productCa = material.productCa();
        this.signingCert = material.signingCert();
        this.signingKey = material.signingKey();
        this.tlsCert = material.tlsCert();
        this.tlsKey = material.tlsKey();
        this.created = material.created();
        this.trustBundlePem = PemFiles.toPem(root) + PemFiles.toPem(productCa.certificate())
                + PemFiles.toPem(signingCert);
    }

    /**
     * Loads the PKI from {@code certsDir}, generating whatever is absent: a fresh root, or the rest issued from
     * a root the user dropped in. A TLS certificate that does not cover {@code hostNames} is reissued.
     *
     * @throws IllegalStateException when the files on disk contradict each other (a key that does not match
     *                               its certificate, a certificate from another root, a certificate without key)
     */
    public static Pki loadOrCreate(Path certsDir, List<String> hostNames, Clock clock) {
        return new Pki(new PkiBootstrap(certsDir, hostNames, clock.instant()).run());
    }

    /** {@link #loadOrCreate} for {@code certs init}; {@link #created()} tells what it wrote. */
    public static Pki init(Path certsDir, List<String> hostNames, Clock clock) {
        return loadOrCreate(certsDir, hostNames, clock);
    }

    /** The files this instance wrote while loading, in the order written; empty when all were there. */
    public List<Path> created() {
        return created;
    }

    public X509Certificate root() {
        return root;
    }

    public X509Certificate productCa() {
        return productCa.certificate();
    }

    public X509Certificate signingCert() {
        return signingCert;
    }

    public X509Certificate tlsCert() {
        return tlsCert;
    }

    public PrivateKey signingKey() {
        return signingKey;
    }

    public PrivateKey tlsKey() {
        return tlsKey;
    }

    /**
     * The certificates every node of a cluster must share (SPEC §10), by file name: the root, the product CA that
     * issues the devices' ID certificates and the signing certificate of every response. The TLS certificate is
     * each node's own (it names the node's host), issued by the shared root.
     */
    public Map<String, X509Certificate> sharedCertificates() {
        Map<String, X509Certificate> shared = new LinkedHashMap<>();
        shared.put(ROOT_FILE, root);
        shared.put(PRODUCT_CA_FILE, productCa.certificate());
        shared.put(SIGNING_FILE, signingCert);
        return shared;
    }

    /**
     * The SHA-256 of a certificate's DER in lowercase hex ({@code openssl x509 -fingerprint -sha256} prints the same
     * digits).
     */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot take the fingerprint of " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The {@code key_id} of every response signature: the signing certificate's serial in lowercase hex. */
    public String signingKeyId() {
        return signingCert.getSerialNumber().toString(16);
    }

    /** Root, product CA and signing certificate, in that order, as served by {@code GET /SmartTransport/trust}. */
    public String trustBundlePem() {
        return trustBundlePem;
    }

    /** An in-memory PKCS#12 key store with the TLS key under alias "tls" and the chain [tls, root]. */
    public KeyStore tlsKeyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tls", tlsKey, password, new Certificate[] {tlsCert, root});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store", e);
        }
    }

    /**
     * Issues a device's ID certificate from its CSR (SPEC §2), signed by the product CA.
     *
     * @throws IllegalArgumentException when the CSR's signature does not verify with its own key, or the key
     *                                  is not EC P-256
     */
    public X509Certificate issueIdCertificate(PKCS10CertificationRequest csr, String productInstanceId,
                                              String virtualAccount, String smartAccount, String udiPid,
                                              String udiSerial, Instant now) {
        requireValidCsr(csr);
        X500Name subject = idSubject(productInstanceId, virtualAccount, smartAccount, udiPid, udiSerial);
        return CertificateIssuer.issue(productCa, subject, csr.getSubjectPublicKeyInfo(),
                now.minus(BACKDATE), now.plus(ID_CERT_VALIDITY), List.of(
                        CertificateIssuer.basicConstraints(false, null),
                        CertificateIssuer.keyUsage(KeyUsage.digitalSignature),
                        CertificateIssuer.extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
    }

    /**
     * The product CA's CRL in PEM, listing {@code revoked} (possibly none). The CRL number is the later of
     * {@code thisUpdate} in epoch milliseconds and one more than the last number this instance used, so it
     * rises even when two CRLs are made within a millisecond.
     */
    public String crlPem(List<RevokedCertificate> revoked, Instant thisUpdate, Instant nextUpdate) {
        Objects.requireNonNull(revoked, "revoked");
        if (!nextUpdate.isAfter(thisUpdate)) {
            throw new IllegalArgumentException("a CRL's nextUpdate must be after its thisUpdate");
        }
        long number = lastCrlNumber.accumulateAndGet(thisUpdate.toEpochMilli(), (last, t) -> Math.max(last + 1, t));
        return PemFiles.toPem(CertificateIssuer.crl(productCa, revoked, thisUpdate, nextUpdate,
                BigInteger.valueOf(number)));
    }

    /**
     * The CSR's key is P-256 and its self-signature (SHA256withECDSA, as everything here) verifies. It is
     * checked through {@link Signatures}, which keeps one prepared copy per key: a REGISTER's envelope was
     * just verified with this same key, so this second check costs a fraction of the first.
     */
    private static void requireValidCsr(PKCS10CertificationRequest csr) {
        if (csr == null) {
            throw new IllegalArgumentException("no certificate signing request");
        }
        SubjectPublicKeyInfo key = csr.getSubjectPublicKeyInfo();
        if (!Crypto.isP256(key)) {
            throw new IllegalArgumentException("the CSR's key must be EC P-256 (prime256v1), not " + describe(key));
        }
        if (!X9ObjectIdentifiers.ecdsa_with_SHA256.equals(csr.getSignatureAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("the CSR must be signed with SHA256withECDSA");
        }
        boolean valid;
        try {
            PublicKey publicKey = Crypto.ecPublicKey(key.getEncoded());
            byte[] signed = csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER);
            valid = Signatures.verify(publicKey, signed, csr.getSignature());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("the CSR's signature cannot be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new IllegalArgumentException("the CSR's signature does not verify with the CSR's own public key");
        }
    }

    private static String describe(SubjectPublicKeyInfo key) {
        ASN1ObjectIdentifier algorithm = key.getAlgorithm().getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            return algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)
                    ? "RSA" : "algorithm " + algorithm.getId();
        }
        ASN1Encodable parameters = key.getAlgorithm().getParameters();
        if (parameters instanceof ASN1ObjectIdentifier curve) {
            String name = ECNamedCurveTable.getName(curve);
            return "EC " + (name != null ? name : curve.getId());
        }
        return "EC with explicit curve parameters";
    }

    /**
     * {@code CN=<piid>, OU=<va>, O=<sa>, SERIALNUMBER=P:<pid>,S:<serial>} as RFC 4514 writes it; encoded most
     * significant first, as in Cisco's own device certificates (serialNumber, O, OU, CN).
     */
    static X500Name idSubject(String productInstanceId, String virtualAccount, String smartAccount,
                              String udiPid, String udiSerial) {
        String udi = "P:" + required(udiPid, "udiPid") + ",S:" + required(udiSerial, "udiSerial");
        // serialNumber is a PrintableString in X.520, which lacks '_' and some other characters a PID may hold.
        ASN1Encodable udiValue = DERPrintableString.isPrintableString(udi)
                ? new DERPrintableString(udi) : new DERUTF8String(udi);
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.SERIALNUMBER, udiValue)
                .addRDN(BCStyle.O, required(smartAccount, "smartAccount"))
                .addRDN(BCStyle.OU, required(virtualAccount, "virtualAccount"))
                .addRDN(BCStyle.CN, required(productInstanceId, "productInstanceId"))
                .build();
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required in an ID certificate subject");
        }
        return value;
    }
}
