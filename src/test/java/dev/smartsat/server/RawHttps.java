package dev.smartsat.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 over a TLS socket of its own, with the request line sent byte for byte: java.net.http refuses
 * the malformed URLs (a lone %, %zz) these tests must send.
 */
final class RawHttps {
    private final SSLSocketFactory tls;
    private final int port;

    RawHttps(TestSatellite sat) {
        this.tls = TestSatellite.trusting(sat.dir().resolve("certs/ca.pem")).getSocketFactory();
        this.port = sat.uri("/").getPort();
    }

    /** An answer: status, the Content-Type header and the body. */
    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return TestSatellite.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    Answer send(String method, String target, String bearer, String extraHeaders) {
        try (SSLSocket socket = (SSLSocket) tls.createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + (method.equals("GET") || method.equals("DELETE") ? "" : "Content-Length: 0\r\n")
                    + (extraHeaders == null ? "" : extraHeaders) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    Answer get(String target, String bearer) {
        return send("GET", target, bearer, null);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toByteArray();
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
            throw new AssertionError("not an HTTP answer: " + text);
        }
        String head = text.substring(0, headEnd);
        String contentType = null;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).strip();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        String body = text.substring(headEnd + 4);
        return new Answer(Integer.parseInt(text.substring(9, 12)), contentType, chunked ? unchunk(body) : body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** What the server logs while {@code work} runs (Logback's output, as `serve` sets it up, captured). */
    static <T> String logDuring(Callable<T> work) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Logging.apply(new Settings.Logging("text", "info"), captured);
        try {
            work.call();
        } finally {
            Logging.reset();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        System.err.print(log);
        return log;
    }
}
