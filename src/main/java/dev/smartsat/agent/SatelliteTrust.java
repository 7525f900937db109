package dev.smartsat.agent;

import dev.smartsat.agent.TransportException.Kind;
import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Signatures;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * What the device trusts about a satellite, all anchored in the root CA given with {@code --ca}: the signing
 * certificate its answers must be signed with, and the product CA its ID certificates must come from.
 */
public final class SatelliteTrust {
    private final X509Certificate root;
    private final X509Certificate signingCertificate;
    private final ResponseVerifier verifier;
    /** A product CA proven to chain to the root, with the PEM text it came as. */
    private record VerifiedCa(String pem, X509Certificate certificate) {
    }

    // The last product CA proven to chain to the root; REGISTER answers repeat it, so the fleet checks it once.
    private volatile VerifiedCa verifiedProductCa;
    private volatile String acceptedRootPem;

    private SatelliteTrust(X509Certificate root, X509Certificate signingCertificate, X509Certificate productCa) {
        this.root = root;
        this.signingCertificate = signingCertificate;
        this.verifier = new ResponseVerifier(signingCertificate.getPublicKey(), signingCertificate.getSerialNumber().toString(16));
        this.acceptedRootPem = PemFiles.toPem(root);
        this.verifiedProductCa = productCa == null ? null : new VerifiedCa(PemFiles.toPem(productCa), productCa);
    }

    /**
     * Trust from the PEM bundle of {@code GET /SmartTransport/trust} (root, product CA, signing certificate):
     * the signing certificate is the bundle's end-entity certificate and must be signed by {@code root} and valid
     * {@code now}; the bundle's own root is not trusted, only the one the user gave.
     */
    public static SatelliteTrust fromBundle(String pem, X509Certificate root, Instant now) throws TransportException {
        List<X509Certificate> bundle;
        try {
            bundle = PemFiles.certificatesFromPem(pem);
        } catch (IllegalArgumentException e) {
            throw new TransportException(Kind.UNTRUSTED, "the satellite's trust bundle is not PEM: " + e.getMessage());
        }
        X509Certificate signing = null;
        X509Certificate productCa = null;
        for (X509Certificate certificate : bundle) {
            if (certificate.getBasicConstraints() < 0) {
                signing = certificate;
            } else if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                productCa = certificate;
            }
        }
        if (signing == null) {
            throw new TransportException(Kind.UNTRUSTED, "the satellite's trust bundle holds no signing certificate");
        }
        requireIssuedBy(signing, root, now, "the satellite's signing certificate");
        X509Certificate verifiedCa = null;
        if (productCa != null) {
            requireIssuedBy(productCa, root, now, "the satellite's product CA");
            verifiedCa = productCa;
        }
        return new SatelliteTrust(root, signing, verifiedCa);
    }

    /**
     * The satellite's signing certificate from a PEM file a person carried to an air-gapped device, checked as
     * issued by {@code root} and valid {@code now}: reservation authorization codes are verified with it.
     */
    public static X509Certificate signingCertificate(String pem, X509Certificate root, Instant now)
            throws TransportException {
        X509Certificate certificate = parse(pem, "signing certificate");
        requireIssuedBy(certificate, root, now, "the signing certificate");
        return certificate;
    }

    public ResponseVerifier verifier() {
        return verifier;
    }

    public X509Certificate signingCertificate() {
        return signingCertificate;
    }

    public X509Certificate root() {
        return root;
    }

    /**
     * The ID certificate of a REGISTER or RENEW_ID_CERT answer, checked: issued by a product CA that chains to the
     * root, valid {@code now}, certifying {@code deviceKey}. {@code caChainPems} is REGISTER's {@code ca_chain}
     * ([product CA, root]); RENEW_ID_CERT has none, and the product CA of the trust bundle serves.
     */
    public X509Certificate verifyIdCertificate(String idCertPem, List<String> caChainPems, PublicKey deviceKey,
                                               Instant now) throws TransportException {
        X509Certificate idCert = parse(idCertPem, "id_cert");
        X509Certificate productCa = productCa(caChainPems, now);
        if (!productCa.getSubjectX500Principal().equals(idCert.getIssuerX500Principal())
                || !signedBy(idCert, productCa.getPublicKey())) {
            throw new TransportException(Kind.UNTRUSTED, "the ID certificate is not issued by the satellite's product CA");
        }
        requireValid(idCert, now, "the ID certificate");
        if (!Arrays.equals(idCert.getPublicKey().getEncoded(), deviceKey.getEncoded())) {
            throw new TransportException(Kind.UNTRUSTED, "the ID certificate certifies another key than the device's");
        }
        return idCert;
    }

    private X509Certificate productCa(List<String> caChainPems, Instant now) throws TransportException {
        VerifiedCa known = verifiedProductCa;
        if (caChainPems == null || caChainPems.isEmpty()) {
            if (known == null) {
                throw new TransportException(Kind.UNTRUSTED, "no product CA to check the ID certificate against");
            }
            return known.certificate();
        }
        String caPem = caChainPems.get(0);
        String rootPem = caChainPems.size() > 1 ? caChainPems.get(caChainPems.size() - 1) : null;
        // Every REGISTER answer repeats the same chain: compare text before parsing anything.
        boolean sameRoot = rootPem == null || rootPem.equals(acceptedRootPem);
        if (known != null && sameRoot && caPem.equals(known.pem())) {
            return known.certificate();
        }
        if (!sameRoot) {
            if (!root.equals(parse(rootPem, "ca_chain root"))) {
                throw new TransportException(Kind.UNTRUSTED, "the answer's ca_chain ends in another root than --ca");
            }
            acceptedRootPem = rootPem;
        }
        X509Certificate given = parse(caPem, "ca_chain[0]");
        if (known == null || !given.equals(known.certificate())) {
            requireIssuedBy(given, root, now, "the product CA of ca_chain");
        }
        verifiedProductCa = new VerifiedCa(caPem, given);
        return given;
    }

    private static void requireIssuedBy(X509Certificate certificate, X509Certificate issuer, Instant now, String what)
            throws TransportException {
        if (!issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            throw new TransportException(Kind.UNTRUSTED, what + " is issued by " + certificate.getIssuerX500Principal()
                    + ", not by the root CA " + issuer.getSubjectX500Principal() + " given with --ca");
        }
        try {
            // The generic path: a user's own root may be RSA.
            certificate.verify(issuer.getPublicKey(), Crypto.provider());
        } catch (GeneralSecurityException e) {
            throw new TransportException(Kind.UNTRUSTED, what + " is not signed by the root CA given with --ca");
        }
        requireValid(certificate, now, what);
    }

    private static void requireValid(X509Certificate certificate, Instant now, String what) throws TransportException {
        try {
            certificate.checkValidity(Date.from(now));
        } catch (GeneralSecurityException e) {
            throw new TransportException(Kind.UNTRUSTED, what + " is not valid at " + now + " (valid "
                    + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant() + ")");
        }
    }

    /** ID certificates are EC-signed by our product CA: the fast shared engine; anything else, the generic path. */
    private static boolean signedBy(X509Certificate certificate, PublicKey issuerKey) {
        try {
            if (Crypto.SIGNATURE_ALGORITHM.equalsIgnoreCase(certificate.getSigAlgName())) {
                return Signatures.verify(issuerKey, certificate.getTBSCertificate(), certificate.getSignature());
            }
            certificate.verify(issuerKey, Crypto.provider());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509Certificate parse(String pem, String what) throws TransportException {
        try {
            return PemFiles.certificateFromPem(pem);
        } catch (IllegalArgumentException e) {
            throw new TransportException(Kind.UNTRUSTED, "the answer's " + what + " is not a PEM certificate: "
                    + e.getMessage());
        }
    }
}
