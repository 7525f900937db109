package dev.smartsat.agent;

import dev.smartsat.pki.Crypto;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.Signatures;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/** The device's P-256 key and the PKCS#10 requests made from it for REGISTER and RENEW_ID_CERT. */
public final class DeviceKeys {
    private static final AlgorithmIdentifier ECDSA_WITH_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private DeviceKeys() {
    }

    public static KeyPair generate() {
        return Crypto.generateP256KeyPair();
    }

    /** The key pair stored as a PKCS#8 PEM private key; the state file keeps only that, the public half is derived. */
    public static KeyPair fromPem(String privateKeyPem) {
        PrivateKey key = PemFiles.privateKeyFromPem(privateKeyPem);
        return new KeyPair(publicKeyOf(key), key);
    }

    /**
     * Q = d·G on the key's own curve. BouncyCastle multiplies, whichever provider is chosen (the JCA has no point
     * arithmetic); the chosen provider makes the key, on the private key's own curve parameters, so that a named
     * curve stays named in the key's encoding.
     */
    static PublicKey publicKeyOf(PrivateKey key) {
        try {
            ECParameterSpec params = ((ECPrivateKey) key).getParams();
            ECPoint q = EC5Util.convertSpec(params).getG().multiply(((ECPrivateKey) key).getS()).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
                    q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC", Crypto.provider()).generatePublic(new ECPublicKeySpec(w, params));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("the device key must be an EC key: " + e.getMessage(), e);
        }
    }

    /** A PEM PKCS#10 request for {@code keys}' public key, subject {@code CN=<pid>:<serial>}, signed by its private key. */
    public static String csrPem(KeyPair keys, String pid, String serial) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, pid + ":" + serial).build();
        PKCS10CertificationRequestBuilder builder = new PKCS10CertificationRequestBuilder(subject,
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
        return PemFiles.toPem(builder.build(new LeanSigner(keys.getPrivate())));
    }

    /**
     * A ContentSigner over {@link Signatures}: the BC operator builder looks up a new Signature engine per CSR,
     * which the fleet, making thousands of CSRs, can do without.
     */
    private static final class LeanSigner implements ContentSigner {
        private final PrivateKey key;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);

        LeanSigner(PrivateKey key) {
            this.key = key;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return ECDSA_WITH_SHA256;
        }

        @Override
        public OutputStream getOutputStream() {
            return data;
        }

        @Override
        public byte[] getSignature() {
            return Signatures.sign(key, data.toByteArray());
        }
    }
}
