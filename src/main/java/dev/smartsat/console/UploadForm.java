package dev.smartsat.console;

import dev.smartsat.core.ClientError;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of a form that may carry a small file (a request code): multipart/form-data, each part as its text, or
 * a plain url-encoded form. A body over the API's limit is refused (413) from its Content-Length before a byte of
 * it is read, and one sent without a length is read no further than the limit.
 */
final class UploadForm {
    /** A form of a few fields and a file; more parts than this is not one of ours. */
    private static final int MAX_PARTS = 200;

    private UploadForm() {}

    /** Field name to value, in the form's order; a file part's value is the file's text (empty when none was chosen). */
    static Map<String, String> read(Context ctx, long maxBody) {
        if (ctx.req().getContentLengthLong() > maxBody) {
            throw tooLarge(maxBody);
        }
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        Map<String, String> fields = new LinkedHashMap<>();
        if (!type.startsWith("multipart/form-data")) {
            ctx.formParamMap().forEach((name, values) -> fields.put(name, values.isEmpty() ? "" : values.get(0)));
            return fields;
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) Math.min(maxBody + 1, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new ClientError.BadRequest("the request body could not be read: " + e.getMessage());
        }
        if (body.length > maxBody) {
            throw tooLarge(maxBody);
        }
        File tmp = new File(System.getProperty("java.io.tmpdir"));
        // Every part stays in memory: the whole body is within the limit already.
        var config = new MultipartConfigElement(tmp.getPath(), maxBody, maxBody, (int) Math.min(maxBody + 1,
                Integer.MAX_VALUE));
        var form = new org.eclipse.jetty.server.MultiPartFormInputStream(new ByteArrayInputStream(body),
                ctx.contentType(), config, tmp, MAX_PARTS);
        try {
            for (Part part : List.copyOf(form.getParts())) {
                try (InputStream in = part.getInputStream()) {
                    fields.putIfAbsent(part.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | IllegalStateException e) {
            throw new ClientError.BadRequest("the form could not be read as multipart/form-data: " + e.getMessage());
        } finally {
            form.deleteParts();
        }
        return fields;
    }

    /** The API's words for a body over its limit, and what the limit means here. */
    private static ClientError tooLarge(long maxBody) {
        return new ClientError.TooLarge("the request body is larger than " + maxBody + " bytes; a request code file"
                + " is one line of text, well under that");
    }
}
