package dev.smartsat.pki;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/** SHA256withECDSA signing and verification of envelope payloads, reservation codes and sync files (SPEC §3). */
public final class Signatures {
    // Signature objects are not thread-safe but are costly to look up; one per thread, re-initialised per call, and
    // made again when the process's provider has changed since.
    private static final ThreadLocal<Signature> ENGINES = new ThreadLocal<>();

    // Only for BouncyCastle. BC keeps its precomputed multiples of a public point on the key object, so verifying
    // again with the same key object is ~2.5x faster than with a fresh one; certificates and re-read PEM hand out
    // fresh objects, hence one canonical BC copy per key. Bounded, least useful out first: a miss only costs that
    // speed-up.
    // Fleet run (issue 12: 5,000 + 5,000 warm-up devices, each registering, then each authorizing; three runs):
    // 43.9-44.6% of about 28,200 lookups hit; 33.3% of 30,000 when it was cleared when full. A registration
    // misses with the CSR's new key, then hits when the CSR's own signature is checked; an authorization looks
    // here only when VerificationKeys no longer holds its device's key.
    // ACCP keeps nothing on the key object: on the development machine (one thread, 20,000 keys, four rounds) a key's
    // first and second verification both took 52-54 us, and decoding it 1.3-2 us. A copy kept here would save 3% on a
    // hit and cost a key encoding and a lookup on every miss, so with ACCP this cache is not used; prepare only turns
    // a key of another provider into ACCP's own, once.
    private static final int CANONICAL_KEYS_LIMIT = 4096;
    private static final Cache<ByteBuffer, PublicKey> CANONICAL_KEYS = Caffeine.newBuilder()
            .maximumSize(CANONICAL_KEYS_LIMIT).recordStats().build();

    private Signatures() {
    }

    /** A DER-encoded ECDSA signature over {@code data}. */
    public static byte[] sign(PrivateKey key, byte[] data) {
        Signature engine = engine();
        try {
            engine.initSign(key, Crypto.random());
            engine.update(data);
            return engine.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /**
     * A signature over data too large to hold at once (a sync file's payload): {@link Signature#update} it as it is
     * written, then {@link Signature#sign}. An engine of its own, since the payload may take seconds to write.
     */
    public static Signature signer(PrivateKey key) {
        Signature engine = newEngine();
        try {
            engine.initSign(key, Crypto.random());
            return engine;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} is a valid DER signature of {@code data} under {@code key}. Anything that
     * cannot be a valid signature — malformed DER, a missing value, a key of another type — is simply
     * {@code false}, because the caller's answer to all of them is the same BAD_SIGNATURE.
     */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        return verify(key, data, signature, false);
    }

    /**
     * The key object to keep for verifying with {@code key} again and again: BouncyCastle attaches its
     * precomputed multiples of the public point to it; ACCP wants its own key class, which it would otherwise make
     * from a certificate's key at every check. Hand it to {@link #verifyPrepared}.
     */
    public static PublicKey prepare(PublicKey key) {
        try {
            if (!isBouncyCastle()) {
                return (PublicKey) KeyFactory.getInstance(key.getAlgorithm(), Crypto.provider()).translateKey(key);
            }
            return canonical(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    /** {@link #verify} with a key from {@link #prepare}, which a caller keeps beyond this class's bounded cache. */
    public static boolean verifyPrepared(PublicKey prepared, byte[] data, byte[] signature) {
        return verify(prepared, data, signature, true);
    }

    private static boolean verify(PublicKey key, byte[] data, byte[] signature, boolean prepared) {
        if (key == null || data == null || signature == null || signature.length == 0) {
            return false;
        }
        Signature engine = engine();
        try {
            engine.initVerify(prepared || !isBouncyCastle() ? key : canonical(key));
            engine.update(data);
            return engine.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // The engine may be left mid-operation; the next initVerify/initSign resets it.
            return false;
        }
    }

    /** A public key from a "PUBLIC KEY" PEM block (or the key of a PEM certificate). */
    public static PublicKey publicKeyFromPem(String pem) {
        return PemFiles.publicKeyFromPem(pem);
    }

    private static PublicKey canonical(PublicKey key) throws GeneralSecurityException {
        if (!"EC".equals(key.getAlgorithm()) && !"ECDSA".equals(key.getAlgorithm())) {
            return key;
        }
        byte[] der = key.getEncoded();
        ByteBuffer encoded = ByteBuffer.wrap(der);
        PublicKey known = CANONICAL_KEYS.getIfPresent(encoded);
        if (known != null) {
            return known;
        }
        // Decoding the SubjectPublicKeyInfo gives a key on BC's own P-256 curve; translateKey would rebuild the
        // curve from its parameters, primality test included, for every new key.
        PublicKey translated = KeyFactory.getInstance("EC", CryptoProviders.bouncyCastle())
                .generatePublic(new X509EncodedKeySpec(der));
        PublicKey raced = CANONICAL_KEYS.asMap().putIfAbsent(encoded, translated);
        return raced != null ? raced : translated;
    }

    /** How often a key's canonical copy was found in memory (for the log line at stop). */
    public static CacheStats canonicalKeyStats() {
        return CANONICAL_KEYS.stats();
    }

    private static boolean isBouncyCastle() {
        return CryptoProviders.current().kind() == CryptoProvider.BOUNCYCASTLE;
    }

    private static Signature engine() {
        Signature engine = ENGINES.get();
        if (engine == null || engine.getProvider() != Crypto.provider()) {
            engine = newEngine();
            ENGINES.set(engine);
        }
        return engine;
    }

    /** A new engine of the process's provider. */
    private static Signature newEngine() {
        Provider provider = Crypto.provider();
        try {
            return Signature.getInstance(Crypto.SIGNATURE_ALGORITHM, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(provider.getName() + " lacks " + Crypto.SIGNATURE_ALGORITHM, e);
        }
    }
}
