package dev.smartsat.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** The shared cryptographic primitives of the PKI: the chosen provider, P-256 keys and serial numbers. */
public final class Crypto {
    /** The one algorithm the SPEC allows for keys we generate and signatures we make. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    // One DRBG per thread: the default NativePRNG serialises every caller on one lock, which capped
    // concurrent signing and key generation at the speed of one thread. (ACCP takes it and draws from AWS-LC's own.)
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Crypto::newRandom);

    private Crypto() {
    }

    /**
     * The provider that makes keys and signatures: ACCP or BouncyCastle, as {@link CryptoProviders} chose for this
     * process. Asked for on every use rather than kept, since the choice may change (the tests change it).
     */
    public static Provider provider() {
        return CryptoProviders.current().provider();
    }

    /**
     * An EC public key of the chosen provider from its X.509 SubjectPublicKeyInfo: verifying with a key of the
     * provider that verifies needs no translation.
     */
    public static PublicKey ecPublicKey(byte[] subjectPublicKeyInfo) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC", provider()).generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo));
    }

    /** This thread's strong random source. */
    public static SecureRandom random() {
        return RANDOM.get();
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            return new SecureRandom();
        }
    }

    /** A fresh ECDSA P-256 key pair. */
    public static KeyPair generateP256KeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider());
            generator.initialize(new ECGenParameterSpec("secp256r1"), random());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key pair", e);
        }
    }

    /**
     * A positive random certificate serial of 96 bits with the top bit set, so it always has the same
     * length (24 hex digits) and well over the 64 bits of entropy the CA/Browser Forum asks for.
     */
    public static BigInteger randomSerial() {
        return new BigInteger(96, random()).setBit(95);
    }

    /** Whether a public key is EC on the named curve P-256 (secp256r1 / prime256v1). */
    public static boolean isP256(SubjectPublicKeyInfo key) {
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm())) {
            return false;
        }
        if (key.getAlgorithm().getParameters() == null) {
            return false;
        }
        ASN1Primitive curve = key.getAlgorithm().getParameters().toASN1Primitive();
        return SECObjectIdentifiers.secp256r1.equals(curve);
    }

    /** The signature algorithm for an issuing key: ours are EC, but a user's own root may be RSA. */
    static String signatureAlgorithmFor(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> SIGNATURE_ALGORITHM;
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalStateException(
                    "unsupported issuing key algorithm " + key.getAlgorithm() + " (use an EC or RSA key)");
        };
    }
}
