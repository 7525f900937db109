package dev.smartsat.agent;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Request nonces: 32 unpredictable characters of {@code [A-Za-z0-9]} (SPEC §3 allows 16–64). */
final class Nonces {
    static final int LENGTH = 32;
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    // 248 = 4 * 62: bytes at or above it are dropped so every character is equally likely.
    private static final int UNBIASED_LIMIT = 248;

    // One DRBG per thread: the default NativePRNG serialises every caller on one lock, which the fleet's
    // workers would queue on.
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Nonces::newRandom);

    private Nonces() {
    }

    static String next() {
        SecureRandom random = RANDOM.get();
        char[] out = new char[LENGTH];
        byte[] bytes = new byte[LENGTH + 8];
        int filled = 0;
        while (filled < LENGTH) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < LENGTH; i++) {
                int value = bytes[i] & 0xFF;
                if (value < UNBIASED_LIMIT) {
                    out[filled++] = ALPHABET[value % ALPHABET.length];
                }
            }
        }
        return new String(out);
    }

    /** Whether {@code text} is a nonce the satellite would accept. */
    static boolean isValid(String text) {
        return text != null && text.length() >= 16 && text.length() <= 64
                && text.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c));
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
