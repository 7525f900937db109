package dev.smartsat.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.smartsat.core.ClientError;

/**
 * Reads and writes sync payloads. Reading is strict, since a sync file may have been edited by hand on
 * its way: every field must be present (null when it has no value), of its type, once.
 */
final class SyncJson {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    private SyncJson() {}

    static String write(Object payload) {
        try {
            return MAPPER.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a sync payload", e);
        }
    }

    /** The payload as {@code type}; a field that is missing or of the wrong type is a 422 naming it. */
    static <T> T read(String payload, Class<T> type, String what) {
        try {
            return MAPPER.readValue(payload, type);
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new ClientError.Unprocessable(path.isEmpty() ? null : path, what + " is malformed"
                    + (path.isEmpty() ? "" : " at " + path) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ClientError.BadRequest(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** {@code virtualAccounts[0].licenses[2].quantity} */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
