package dev.smartsat.reservation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The return code (SPEC §5.5) a device shows when it gives a reservation back: 57 characters from
 * two SHA-256 rounds over its identity and the installed code's timestamp, in groups a person can read.
 */
public final class ReturnCode {
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final int LENGTH = 57;

    private ReturnCode() {}

    public static String of(String piid, String udi, long timestamp) {
        byte[] h1 = sha256(("RETURN|" + piid + "|" + udi + "|" + timestamp).getBytes(StandardCharsets.UTF_8));
        byte[] h2 = sha256(h1);
        StringBuilder chars = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            int b = (i < h1.length ? h1[i] : h2[i - h1.length]) & 0xff;
            chars.append(ALPHABET.charAt(b % ALPHABET.length()));
        }
        StringBuilder grouped = new StringBuilder(LENGTH + 9);
        for (int i = 0; i < LENGTH; i += 6) {
            if (i > 0) {
                grouped.append('-');
            }
            grouped.append(chars, i, Math.min(i + 6, LENGTH));
        }
        return grouped.toString();
    }

    /** Whether a typed code is this one; blanks around it and inside are forgiven, letter case is not. */
    public static boolean matches(String typed, String piid, String udi, long timestamp) {
        return typed != null && typed.replaceAll("\\s", "").equals(of(piid, udi, timestamp));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
