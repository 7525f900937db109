package dev.smartsat.pki;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds and signs the certificates and CRLs of the PKI; what goes into each one is decided by {@link Pki}. */
final class CertificateIssuer {
    /** A certificate authority: the certificate that names it and the key that signs for it. */
    record Authority(X509Certificate certificate, PrivateKey key) {
        X500Name name() {
            // The issuer's exact encoded subject, so chains built on a user's own root still match byte for byte.
            return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        }
    }

    /** One extension to put into a certificate. */
    record Ext(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
    }

    private CertificateIssuer() {
    }

    static Ext basicConstraints(boolean ca, Integer pathLength) {
        BasicConstraints value = !ca ? new BasicConstraints(false)
                : pathLength == null ? new BasicConstraints(true) : new BasicConstraints(pathLength);
        return new Ext(Extension.basicConstraints, true, value);
    }

    static Ext keyUsage(int bits) {
        return new Ext(Extension.keyUsage, true, new KeyUsage(bits));
    }

    static Ext extendedKeyUsage(KeyPurposeId purpose) {
        return new Ext(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }

    /** A self-signed certificate: the root of trust. */
    static X509Certificate selfSigned(KeyPair keys, X500Name subject, Instant notBefore, Instant notAfter,
                                      List<Ext> extensions) {
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        return build(subject, keys.getPrivate(), keyIdentifier(key), subject, key, notBefore, notAfter, extensions);
    }

    /** A certificate for {@code subjectKey} signed by {@code issuer}. */
    static X509Certificate issue(Authority issuer, X500Name subject, SubjectPublicKeyInfo subjectKey,
                                 Instant notBefore, Instant notAfter, List<Ext> extensions) {
        return build(issuer.name(), issuer.key(), keyIdentifierOf(issuer.certificate()), subject, subjectKey,
                notBefore, notAfter, extensions);
    }

    private static X509Certificate build(X500Name issuerName, PrivateKey issuerKey, byte[] issuerKeyId,
                                         X500Name subject, SubjectPublicKeyInfo keyInfo, Instant notBefore,
                                         Instant notAfter, List<Ext> extensions) {
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName, Crypto.randomSerial(),
                Date.from(notBefore), Date.from(notAfter), subject, keyInfo);
        try {
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new SubjectKeyIdentifier(keyIdentifier(keyInfo)));
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
            for (Ext extension : extensions) {
                builder.addExtension(extension.oid(), extension.critical(), extension.value());
            }
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode a certificate extension", e);
        }
        return PemFiles.toCertificate(builder.build(signer(issuerKey)));
    }

    /** An X.509 v2 CRL of {@code issuer} listing {@code revoked}. */
    static X509CRL crl(Authority issuer, List<RevokedCertificate> revoked, Instant thisUpdate, Instant nextUpdate,
                       BigInteger crlNumber) {
        X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer.name(), Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (RevokedCertificate entry : revoked) {
            // Reason 0 leaves the optional reasonCode extension out; we do not track why.
            builder.addCRLEntry(entry.serial(), Date.from(entry.revokedAt()), 0);
        }
        try {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new AuthorityKeyIdentifier(keyIdentifierOf(issuer.certificate())));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode a CRL extension", e);
        }
        X509CRLHolder holder = builder.build(signer(issuer.key()));
        try {
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (CRLException e) {
            throw new IllegalStateException("cannot decode the CRL just built", e);
        }
    }

    /** The issuer's own subject key identifier when it has one (a user's root may use another method). */
    static byte[] keyIdentifierOf(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension != null) {
            return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                    .getKeyIdentifier();
        }
        return keyIdentifier(SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()));
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(Crypto.signatureAlgorithmFor(key))
                    .setProvider(Crypto.provider())
                    .setSecureRandom(Crypto.random())
                    .build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with the " + key.getAlgorithm() + " issuing key", e);
        }
    }

    /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subject public key bits, as OpenSSL and BC compute it. */
    private static byte[] keyIdentifier(SubjectPublicKeyInfo key) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(key.getPublicKeyData().getBytes());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is needed for key identifiers", e);
        }
    }
}
