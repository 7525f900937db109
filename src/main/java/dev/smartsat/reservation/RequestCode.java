package dev.smartsat.reservation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A reservation request code (SPEC §5.1), {@code CB-Z<pid>:<serial>-<nonce>-<check>}: made by a device,
 * typed by a person, so parsing says exactly which part is wrong.
 */
public record RequestCode(String pid, String serial, String nonce) {
    static final String PREFIX = "CB-Z";
    static final Pattern PID = Pattern.compile("[A-Za-z0-9._/-]{1,40}");
    static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9]{1,40}");
    static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{9}");
    private static final String ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    public RequestCode {
        if (!PID.matcher(pid).matches()) {
            throw new InvalidCodeException("the product ID must be 1 to 40 characters of letters, digits and . _ / -");
        }
        if (!SERIAL.matcher(serial).matches()) {
            throw new InvalidCodeException("the serial number must be 1 to 40 letters and digits");
        }
        if (!NONCE.matcher(nonce).matches()) {
            throw new InvalidCodeException("the nonce must be 9 letters and digits");
        }
    }

    /** A new request code for a device, with a random nonce. */
    public static RequestCode newFor(String pid, String serial) {
        StringBuilder nonce = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            nonce.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return new RequestCode(pid, serial, nonce.toString());
    }

    /** The UDI the code names, as authorization codes carry it: {@code P:<pid>,S:<serial>}. */
    public String udi() {
        return "P:" + pid + ",S:" + serial;
    }

    /** The code as text, check byte included. */
    public String text() {
        String body = PREFIX + pid + ":" + serial + "-" + nonce;
        return body + "-" + check(body);
    }

    @Override
    public String toString() {
        return text();
    }

    /** Parses a code: split at the first ':' and the last two '-' (a product ID may contain '-'). */
    public static RequestCode parse(String text) {
        String code = text == null ? "" : text.strip();
        if (!code.startsWith(PREFIX)) {
            throw new InvalidCodeException("a reservation request code starts with " + PREFIX);
        }
        int colon = code.indexOf(':');
        int lastDash = code.lastIndexOf('-');
        int nonceDash = lastDash < 0 ? -1 : code.lastIndexOf('-', lastDash - 1);
        if (colon < 0 || nonceDash <= colon) {
            throw new InvalidCodeException("a reservation request code looks like CB-Z<pid>:<serial>-<nonce>-<check>");
        }
        RequestCode parsed = new RequestCode(code.substring(PREFIX.length(), colon), code.substring(colon + 1, nonceDash),
                code.substring(nonceDash + 1, lastDash));
        String check = code.substring(lastDash + 1);
        String expected = check(code.substring(0, lastDash));
        if (!expected.equals(check)) {
            throw new InvalidCodeException("the check characters '" + check
                    + "' do not match the rest of the code: it was mistyped");
        }
        return parsed;
    }

    /** The first byte of SHA-256 over the text before the last '-', as two upper-case hex digits. */
    static String check(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 1).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
