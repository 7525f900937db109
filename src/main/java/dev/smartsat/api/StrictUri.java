package dev.smartsat.api;

import dev.smartsat.core.ClientError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks that every path segment and query value of a request, and every field of a form body, decodes (SPEC §4): a malformed
 * percent-escape ({@code %u0041}, {@code %zz}, a lone {@code %}) or bytes that are not UTF-8 are a 400
 * naming the part, never a value silently dropped or a decoder's exception further down.
 */
final class StrictUri {
    private StrictUri() {}

    static void check(String rawPath, String rawQuery) {
        if (rawPath != null) {
            for (String segment : rawPath.split("/", -1)) {
                if (decode(segment, false) == null) {
                    throw new ClientError.BadRequest("the path segment '" + printable(segment) + "' cannot be decoded;"
                            + " write each escape as % and two hex digits of UTF-8 (a literal % is %25)");
                }
            }
        }
        checkPairs(rawQuery, "query parameter");
    }

    /**
     * Checks {@code name=value&…} text (a query, or a form body) the same way: every name and value decodes,
     * else a 400 naming the {@code what} ("query parameter", "form field") and the part that does not.
     */
    static void checkPairs(String encoded, String what) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName, true);
            if (name == null) {
                throw new ClientError.BadRequest("the " + what + " name '" + printable(rawName) + "' cannot be"
                        + " decoded; write each escape as % and two hex digits of UTF-8 (a literal % is %25)");
            }
            if (eq >= 0 && decode(pair.substring(eq + 1), true) == null) {
                throw new ClientError.BadRequest(name, "the " + what + " " + name + " cannot be decoded: '"
                        + printable(pair.substring(eq + 1)) + "'; write each escape as % and two hex digits of UTF-8"
                        + " (a literal % is %25)");
            }
        }
    }

    /** The decoded text, or null when an escape is malformed or the bytes are not UTF-8. */
    static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                byte[] encoded = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** At most 60 characters of what the client sent, for the message. */
    private static String printable(String raw) {
        String s = raw.length() > 60 ? raw.substring(0, 60) + "..." : raw;
        return s.replaceAll("[\\p{Cntrl}'\\\\]", "?");
    }
}
