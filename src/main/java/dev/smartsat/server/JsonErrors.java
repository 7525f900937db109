package dev.smartsat.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The errors Jetty answers itself, before a route sees the request (a malformed URL or percent-escape,
 * an over-long URL, over-large headers, a body sent too slowly), in SPEC §4's JSON shape instead of
 * Jetty's HTML page.
 */
final class JsonErrors extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    JsonErrors() {
        setShowStacks(false);
        setShowServlet(false);
    }

    /** Parser-level refusals (400, 414, 431): there is no request object yet, only bytes to send. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message) throws IOException {
        baseRequest.setHandled(true);
        write(response, code, message);
    }

    /** Sends the JSON error of {@code status} on a response nothing has been written to yet. */
    static void write(HttpServletResponse response, int status, String reason) throws IOException {
        byte[] bytes = body(status, reason);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static byte[] body(int status, String reason) {
        String json = "{\"status\":\"ERROR\",\"message\":\"" + escape(message(status, reason)) + "\",\"errors\":{}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String message(int status, String reason) {
        return switch (status) {
            case 400 -> "the request is malformed" + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")
                    + "; check the URL's percent-escapes (%XX, two hex digits) and the headers";
            case 408 -> "the request was not received in time; send the body without pausing";
            case 413 -> "the request body is too large";
            case 414 -> "the URL is too long (over 8 KiB); send long values in a request body";
            case 431 -> "the request headers are too large (over 8 KiB); send fewer or shorter headers";
            case 404 -> "no such resource";
            default -> reason == null || reason.isBlank() ? "HTTP " + status : reason;
        };
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
