package dev.smartsat.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The shared cryptographic primitives of the PKI: the BouncyCastle provider, P-256 keys and serial numbers. */
public final class Crypto {
    /** The one algorithm the SPEC allows for keys we generate and signatures we make. */
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final Provider PROVIDER = register();
    // One DRBG per thread: the default NativePRNG serialises every caller on one lock, which capped
    // concurrent signing and key generation at the speed of one thread.
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Crypto::newRandom);

    private Crypto() {
    }

    private static Provider register() {
        Provider existing = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (existing != null) {
            return existing;
        }
        // Appended at the lowest priority: we ask for BC by object, and the JDK's defaults stay the JDK's.
        Provider provider = new BouncyCastleProvider();
        Security.addProvider(provider);
        return provider;
    }

    /** The BouncyCastle provider, registered once; passing the object skips the by-name provider lookup. */
    public static Provider provider() {
        return PROVIDER;
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
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", PROVIDER);
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
