package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.core.ClientError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to request fields: a value of the wrong type is a 400 naming the field (SPEC §4).
 * Like the vendor's API, a whole number may also come as a JSON string holding it.
 */
public final class Fields {
    private Fields() {}

    /** Refuses a key the call does not know, naming it, instead of silently ignoring a typo. */
    public static void onlyKeys(JsonNode body, String prefix, List<String> known) {
        body.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                throw new ClientError.BadRequest(prefix + key, "unknown key " + prefix + key + "; the keys are "
                        + String.join(", ", known.stream().map(k -> prefix + k).toList()));
            }
        });
    }

    public static Optional<String> string(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new ClientError.BadRequest(field, field + " must be a string");
        }
        return Optional.of(node.asText());
    }

    public static String requiredString(JsonNode body, String field) {
        return string(body, field).orElseThrow(() -> new ClientError.BadRequest(field, field + " is required"));
    }

    public static Optional<Long> wholeNumber(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new ClientError.Unprocessable(field, field + " is out of range");
            }
            return Optional.of(node.asLong());
        }
        if (node.isTextual() && node.asText().strip().matches("-?\\d+")) {
            try {
                return Optional.of(Long.parseLong(node.asText().strip()));
            } catch (NumberFormatException e) {
                throw new ClientError.Unprocessable(field, field + " is out of range");
            }
        }
        throw new ClientError.BadRequest(field, field + " must be a whole number");
    }

    public static long requiredWholeNumber(JsonNode body, String field) {
        return wholeNumber(body, field).orElseThrow(() -> new ClientError.BadRequest(field, field + " is required"));
    }

    /** A whole number that must fit an int; a larger one is out of range (422). */
    public static Optional<Integer> intNumber(JsonNode body, String field) {
        return wholeNumber(body, field).map(v -> {
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw new ClientError.Unprocessable(field, field + " is out of range");
            }
            return v.intValue();
        });
    }

    /**
     * Reads a field of an array element or nested object, naming it by its full path in any error,
     * e.g. {@code licenses[2].quantity}.
     */
    public static <T> T nested(String prefix, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ClientError.BadRequest e) {
            throw new ClientError.BadRequest(prefix + field(e), prefix + e.getMessage());
        } catch (ClientError.Unprocessable e) {
            throw new ClientError.Unprocessable(prefix + field(e), prefix + e.getMessage());
        }
    }

    private static String field(ClientError e) {
        return e.fieldErrors().keySet().stream().findFirst().orElse("");
    }

    /** An array of objects; each element is handed back for its own fields. */
    public static List<JsonNode> objects(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw new ClientError.BadRequest(field, field + " is required");
        }
        if (!node.isArray()) {
            throw new ClientError.BadRequest(field, field + " must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isObject()) {
                throw new ClientError.BadRequest(field + "[" + i + "]", field + "[" + i + "] must be an object");
            }
            out.add(node.get(i));
        }
        return out;
    }

    /** An optional array of strings; absent or null is the empty list. */
    public static List<String> strings(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ClientError.BadRequest(field, field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new ClientError.BadRequest(field + "[" + i + "]", field + "[" + i + "] must be a string");
            }
            out.add(node.get(i).asText());
        }
        return out;
    }
}
