package dev.smartsat.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A verified answer of /SmartTransport (SPEC §3): its status, message code and text, and data. Only built
 * after the envelope's signature, key_id and echoed nonce checked out.
 *
 * @param retryAfter the {@code Retry-After} delay of an OK_TRY_AGAIN answer, null when none was given
 */
public record Answer(int httpStatus, String status, String messageCode, String message, JsonNode data,
                     Duration retryAfter) {
    public static final String OK = "OK";
    public static final String FAILED = "FAILED";
    public static final String OK_TRY_AGAIN = "OK_TRY_AGAIN";

    public boolean ok() {
        return OK.equals(status);
    }

    public boolean tryAgain() {
        return OK_TRY_AGAIN.equals(status);
    }

    public boolean failedWith(String code) {
        return FAILED.equals(status) && code.equals(messageCode);
    }

    /** The code a person or a tally sees: the message code, or OK_TRY_AGAIN when the satellite stayed unavailable. */
    public String code() {
        if (messageCode != null) {
            return messageCode;
        }
        return ok() ? OK : status;
    }

    /** "CODE — message", as the command line prints a refusal. */
    public String describe() {
        return message == null ? code() : code() + " — " + message;
    }

    /** A field of {@code data}; a missing node (iterable, empty) when there is none. */
    public JsonNode field(String name) {
        return data == null ? MissingNode.getInstance() : data.path(name);
    }

    /** A string field of {@code data}, or null. */
    public String text(String field) {
        JsonNode value = data == null ? null : data.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** An ISO-8601 instant field of {@code data}, or null when absent. */
    public Instant instant(String field) {
        String text = text(field);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // A satellite may write an explicit offset ("+00:00"); the instant is the same.
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException("the satellite's " + field + " is not an ISO-8601 instant: " + text);
            }
        }
    }
}
