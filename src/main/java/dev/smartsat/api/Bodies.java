package dev.smartsat.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.core.ClientError;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads request bodies with a hard size limit, so an oversized body is refused (413) without being
 * held in memory, then parses JSON with an error that says where it broke.
 */
public final class Bodies {
    private Bodies() {}

    /** Refuses a declared Content-Length above {@code max} before anything is read. */
    public static void checkDeclaredLength(Context ctx, long max) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(max);
        }
    }

    /** The raw body, at most {@code max} bytes, also when the client sends it chunked. */
    public static byte[] read(Context ctx, long max) {
        checkDeclaredLength(ctx, max);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > max) {
                throw tooLarge(max);
            }
            return bytes;
        } catch (IOException e) {
            throw new ClientError.BadRequest("the request body could not be read: " + e.getMessage());
        }
    }

    /** The body as a JSON object; anything else is a 400 (or 415 for a non-JSON content type). */
    public static ObjectNode jsonObject(Context ctx, long max) {
        String type = ctx.contentType();
        if (type != null && !type.toLowerCase(Locale.ROOT).contains("json")) {
            throw new ClientError.UnsupportedMediaType("send the body as application/json, not " + type);
        }
        byte[] bytes = read(ctx, max);
        if (bytes.length == 0) {
            throw new ClientError.BadRequest("the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw new ClientError.BadRequest("the request body is not valid JSON"
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ClientError.BadRequest("the request body could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ClientError.BadRequest("the request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static ClientError tooLarge(long max) {
        return new ClientError.TooLarge("the request body is larger than " + max + " bytes");
    }
}
