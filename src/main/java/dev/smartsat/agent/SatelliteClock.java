package dev.smartsat.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The satellite's simulated clock, moved by the fleet's {@code --days} replay through {@code PUT /sim/clock}
 * (SPEC §9) with an admin client's credentials. A bearer token lasts an hour of wall-clock time, so a long
 * replay takes a new one when the old one is refused.
 */
final class SatelliteClock {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;
    private final String clientId;
    private final String clientSecret;
    private String bearer;

    SatelliteClock(HttpClient http, URI transportUrl, String clientId, String clientSecret) {
        this.http = http;
        this.base = transportUrl.resolve("/");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** Reads {@code {"client_id","client_secret"}}, the file a satellite writes for its bootstrap admin. */
    static SatelliteClock fromCredentials(HttpClient http, URI transportUrl, Path file) {
        JsonNode credentials;
        try {
            credentials = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the admin credentials " + file + ": " + e.getMessage());
        }
        String id = credentials.path("client_id").asText(null);
        String secret = credentials.path("client_secret").asText(null);
        if (id == null || secret == null) {
            throw new IllegalArgumentException(file + " holds no client_id and client_secret");
        }
        return new SatelliteClock(http, transportUrl, id, secret);
    }

    /** Moves the satellite's clock on by {@code step}; returns its new time. */
    Instant advance(Duration step) throws TransportException {
        String body = "{\"advance\":\"" + step + "\"}";
        HttpResponse<String> response = put(body);
        if (response.statusCode() == 401) {
            bearer = null;
            response = put(body);
        }
        if (response.statusCode() != 200) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "PUT /sim/clock answered HTTP "
                    + response.statusCode() + ": " + response.body()
                    + " (are simulation controls enabled, and is the client an admin?)");
        }
        try {
            return Instant.parse(JSON.readTree(response.body()).path("now").asText());
        } catch (IOException | RuntimeException e) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "PUT /sim/clock answered no time: "
                    + response.body());
        }
    }

    private HttpResponse<String> put(String body) throws TransportException {
        if (bearer == null) {
            bearer = token();
        }
        return send(HttpRequest.newBuilder(base.resolve("/backend/api/v1/sim/clock")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String token() throws TransportException {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/backend/oauth/token"))
                .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        if (response.statusCode() != 200) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "the satellite refused the admin"
                    + " credentials (HTTP " + response.statusCode() + ")");
        }
        try {
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "the token answer is not JSON");
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws TransportException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.UNREACHABLE, "cannot reach " + request.uri() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Kind.UNREACHABLE, "interrupted", e);
        }
    }
}
