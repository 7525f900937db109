package dev.smartsat.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.config.Settings;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.pki.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The satellite's HTTPS connection to its upstream (SPEC §8): a bearer token from the upstream's
 * {@code /backend/oauth/token} with the client credentials of {@code upstream.*}, then the request
 * envelope posted, gzipped, to {@code /backend/api/v1/satellite/sync}. TLS is checked against {@code upstream.trust}
 * only. Every way this can go wrong ends in a {@link Failure} that says what happened.
 */
final class UpstreamLink {
    static final String TOKEN_PATH = "/backend/oauth/token";
    static final String SYNC_PATH = "/backend/api/v1/satellite/sync";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

    /** Why a network sync did not get a response. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final Settings.Upstream settings;
    private final long maxBytes;
    private HttpClient http;

    /** {@code maxBytes} is {@code sync.max_bytes}: the largest sync response taken, before and after decompression. */
    UpstreamLink(Settings.Upstream settings, long maxBytes) {
        this.settings = settings;
        this.maxBytes = maxBytes;
    }

    /**
     * Posts the signed request (a gzipped file), and returns the upstream's answer, a sync response file, as a stream
     * the caller reads (and closes): gzip on the wire when the upstream sends it so, at most {@code maxBytes}.
     */
    InputStream exchange(SatelliteSync.RequestFile request) throws Failure, InterruptedException {
        URI base = base();
        HttpClient client = client();
        String token = token(client, base);
        HttpRequest post = HttpRequest.newBuilder(base.resolve(SYNC_PATH)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip").header("Accept-Encoding", "gzip")
                .POST(body(request)).build();
        HttpResponse<InputStream> answer = send(client, post, HttpResponse.BodyHandlers.ofInputStream(),
                "the sync request");
        boolean gzip = answer.headers().firstValue("Content-Encoding").filter("gzip"::equalsIgnoreCase).isPresent();
        InputStream body = new SyncFiles.Decoded(answer.body(), maxBytes, gzip);
        if (answer.statusCode() != 200) {
            throw new Failure("the upstream answered the sync request with HTTP " + answer.statusCode()
                    + message(errorBody(body)));
        }
        return body;
    }

    private static HttpRequest.BodyPublisher body(SatelliteSync.RequestFile request) throws Failure {
        if (!request.gzip()) {
            throw new IllegalArgumentException("the sync request travels gzipped");
        }
        try {
            return HttpRequest.BodyPublishers.ofFile(request.file());
        } catch (java.io.FileNotFoundException e) {
            throw new Failure("the sync request file is gone: " + e.getMessage());
        }
    }

    /** The start of an error answer, enough for its message; the rest is not read. */
    private static byte[] errorBody(InputStream body) {
        try (body) {
            return body.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private String token(HttpClient client, URI base) throws Failure, InterruptedException {
        if (blank(settings.clientId()) || blank(settings.clientSecret())) {
            throw new Failure("upstream.client_id and upstream.client_secret must name an operator client of the"
                    + " upstream");
        }
        String form = "grant_type=client_credentials&client_id=" + encode(settings.clientId()) + "&client_secret="
                + encode(settings.clientSecret());
        HttpRequest request = HttpRequest.newBuilder(base.resolve(TOKEN_PATH)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<byte[]> answer = send(client, request, HttpResponse.BodyHandlers.ofByteArray(), "the token request");
        if (answer.statusCode() != 200) {
            throw new Failure("the upstream refused the token request with HTTP " + answer.statusCode()
                    + message(answer.body()) + " (check upstream.client_id and upstream.client_secret)");
        }
        try {
            JsonNode token = SyncJson.MAPPER.readTree(answer.body()).get("access_token");
            if (token != null && token.isTextual()) {
                return token.asText();
            }
        } catch (IOException e) {
            // reported below
        }
        throw new Failure("the upstream's token answer holds no access_token");
    }

    private static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                            String what) throws Failure, InterruptedException {
        try {
            return client.send(request, handler);
        } catch (IOException e) {
            throw new Failure("the upstream at " + request.uri().getScheme() + "://" + request.uri().getAuthority()
                    + " could not be reached for " + what + ": " + describe(e));
        }
    }

    private URI base() throws Failure {
        String url = settings.url();
        if (blank(url)) {
            throw new Failure("upstream.url is not set: a connected satellite needs its upstream's https:// URL");
        }
        try {
            URI uri = URI.create(url.strip());
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new Failure("upstream.url must be https://host[:port], not " + url);
            }
            return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/");
        } catch (IllegalArgumentException e) {
            throw new Failure("upstream.url is not a URL: " + url);
        }
    }

    /** One client per satellite, trusting only the upstream's root CA; made at the first sync. */
    private synchronized HttpClient client() throws Failure {
        if (http == null) {
            http = HttpClient.newBuilder().sslContext(trusting()).connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    private SSLContext trusting() throws Failure {
        if (blank(settings.trust())) {
            throw new Failure("upstream.trust is not set: name the PEM file of the upstream's root CA (its ca.pem)");
        }
        try {
            return TrustAnchors.trusting(PemFiles.readCertificate(Path.of(settings.trust())));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Failure("upstream.trust (" + settings.trust() + ") cannot be used as the upstream's root CA: "
                    + e.getMessage());
        }
    }

    /** The {@code message} of an error body, if the answer has one. */
    private static String message(byte[] body) {
        try {
            JsonNode message = SyncJson.MAPPER.readTree(body).get("message");
            return message != null && message.isTextual() ? ": " + message.asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused or no route to it (is the upstream running, and upstream.url right?)";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed (" + e.getMessage() + "); is upstream.trust the upstream's root CA?";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out (" + e.getMessage() + ")";
        }
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
