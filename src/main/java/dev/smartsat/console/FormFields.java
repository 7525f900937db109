package dev.smartsat.console;

import dev.smartsat.core.ClientError;
import java.util.Optional;

/**
 * Values typed into a form, read as the management API reads a JSON string holding one (SPEC §4), so a form
 * refuses them in the API's words: a wrong type is a 400 naming the field, a number too large a 422.
 */
final class FormFields {
    private FormFields() {}

    /** A whole number, or empty when the field was left blank (as when the API's body leaves it out). */
    static Optional<Long> wholeNumber(String field, String text) {
        String digits = text == null ? "" : text.strip();
        if (digits.isEmpty()) {
            return Optional.empty();
        }
        if (!digits.matches("-?\\d+")) {
            throw new ClientError.BadRequest(field, field + " must be a whole number");
        }
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            throw new ClientError.Unprocessable(field, field + " is out of range");
        }
    }

    static long requiredWholeNumber(String field, String text) {
        return wholeNumber(field, text).orElseThrow(() -> required(field));
    }

    /** A whole number that must fit an int; a larger one is out of range (422). */
    static Optional<Integer> intNumber(String field, String text) {
        return wholeNumber(field, text).map(v -> {
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw new ClientError.Unprocessable(field, field + " is out of range");
            }
            return v.intValue();
        });
    }

    /** Text that must not be blank, stripped. */
    static String requiredString(String field, String text) {
        String value = text == null ? "" : text.strip();
        if (value.isEmpty()) {
            throw required(field);
        }
        return value;
    }

    /** Blank text is no value: null, as when the API's body leaves the field out. */
    static String orNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static ClientError required(String field) {
        return new ClientError.BadRequest(field, field + " is required");
    }
}
