package dev.smartsat.server;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.regex.Pattern;
import net.logstash.logback.mask.ValueMasker;

/**
 * Keeps credentials out of every log line, in both formats (SPEC §13): a registration token shows only its
 * first 8 characters, a secret or bearer token nothing. The access log already writes paths through
 * {@link #path}; the rest is a safety net for text that was never meant to hold one (an exception's message).
 */
public final class Redaction {
    private static final Pattern TOKEN_IN_PATH = Pattern.compile("(/tokens/)([^/]{0,8})[^/]*");
    /**
     * The shape of every secret, bearer token and registration token SmartSat issues: 256 random bits as
     * 43 characters of URL-safe base64, on their own. Nothing else SmartSat logs has that shape (identifiers
     * are UUIDs of 36 characters, client ids 23).
     */
    private static final Pattern ISSUED = Pattern.compile("(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{8})[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])");
    /** A credential of any shape where it is named: an Authorization value, a client_secret field. */
    private static final Pattern NAMED = Pattern.compile("(?i)(bearer\\s+|client_secret=|\"client_secret\"\\s*:\\s*\")[^\\s\"&]+");
    private static final int SHORTEST_ISSUED = 43;

    private Redaction() {}

    /** A request path as it may be logged: a registration token in it shows only its first 8 characters. */
    public static String path(String path) {
        return path.contains("/tokens/") ? TOKEN_IN_PATH.matcher(path).replaceAll("$1$2...") : path;
    }

    /** Any text as it may be logged. */
    public static String text(String text) {
        if (text == null || text.length() < 7) {
            return text;
        }
        String cut = text.length() < SHORTEST_ISSUED ? text : ISSUED.matcher(text).replaceAll("$1...");
        return NAMED.matcher(cut).replaceAll("$1[redacted]");
    }

    /** {@code %safeMsg}: the formatted message, redacted. */
    public static final class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return text(super.convert(event));
        }
    }

    /** {@code %safeEx}: the stack trace, whose messages are redacted too. */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return text(super.convert(event));
        }
    }

    /** The JSON format's counterpart: every string value written (message, stack trace, fields). */
    static final class JsonValues implements ValueMasker {
        @Override
        public Object mask(JsonStreamContext context, Object value) {
            if (value instanceof String s) {
                String clean = text(s);
                return clean.equals(s) ? null : clean;
            }
            return null;
        }
    }
}
