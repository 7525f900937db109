package dev.smartsat.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Random secrets and how they are kept (SPEC §13): client secrets only as salted BCrypt hashes, bearer tokens
 * only as the SHA-256 of their 256 random bits.
 */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    // Checked for unknown clients too, so the time an answer takes does not tell which client ids exist.
    private static final String DUMMY_HASH = OpenBSDBCrypt.generate("dummy".toCharArray(), new byte[16], 10);

    private Secrets() {}

    /** 256 random bits, URL-safe base64 without padding (43 characters). */
    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A salted BCrypt hash of {@code secret} at {@code cost}. */
    static String hash(String secret, int cost) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(bcryptInput(secret), salt, cost);
    }

    /** Whether {@code secret} matches {@code hash}; a null hash (no such client) costs the same and never matches. */
    static boolean matches(String secret, String hash) {
        boolean ok = OpenBSDBCrypt.checkPassword(hash == null ? DUMMY_HASH : hash, bcryptInput(secret));
        return ok && hash != null;
    }

    /** The hex SHA-256 of a bearer token: what the store keeps and the cache is keyed by. */
    static String sha256(String value) {
        return HexFormat.of().formatHex(digest(value));
    }

    /**
     * BCrypt reads only 72 bytes, so a long secret would match any other with the same start; the
     * secret's SHA-256 (44 base64 characters) goes in instead.
     */
    private static char[] bcryptInput(String secret) {
        return Base64.getEncoder().encodeToString(digest(secret)).toCharArray();
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
