package dev.smartsat.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The satellite's simulated clock, moved by the fleet's {@code --days} replay through {@code PUT /sim/clock}
 * (SPEC §9) with an admin client's credentials. A bearer token lasts an hour of wall-clock time, so a long
 * replay takes a new one when the old one is refused.
 */
final class SatelliteClock {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentHttpClient http;
    private final URI base;
    private final String clientId;
    private final String clientSecret;
    private String bearer;

    SatelliteClock(AgentHttpClient http, URI transportUrl, String clientId, String clientSecret) {
        this.http = http;
        this.base = transportUrl.resolve("/");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** Reads {@code {"client_id","client_secret"}}, the file a satellite writes for its bootstrap admin. */
    static SatelliteClock fromCredentials(AgentHttpClient http, URI transportUrl, Path file) {
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
        AgentHttpClient.Response response = put(body);
        if (response.status() == 401) {
            bearer = null;
            response = put(body);
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.status() != 200) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "PUT /sim/clock answered HTTP "
                    + response.status() + ": " + text + " (are simulation controls enabled, and is the client an admin?)");
        }
        try {
            return Instant.parse(JSON.readTree(text).path("now").asText());
        } catch (IOException | RuntimeException e) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "PUT /sim/clock answered no time: "
                    + text);
        }
    }

    private AgentHttpClient.Response put(String body) throws TransportException {
        if (bearer == null) {
            bearer = token();
        }
        return send("PUT", base.resolve("/backend/api/v1/sim/clock"), Map.of("Authorization", "Bearer " + bearer,
                "Content-Type", "application/json"), body);
    }

    private String token() throws TransportException {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        AgentHttpClient.Response response = send("POST", base.resolve("/backend/oauth/token"),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), form);
        if (response.status() != 200) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "the satellite refused the admin"
                    + " credentials (HTTP " + response.status() + ")");
        }
        try {
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "the token answer is not JSON");
        }
    }

    private AgentHttpClient.Response send(String method, URI uri, Map<String, String> headers, String body)
            throws TransportException {
        try {
            return http.send(method, uri, headers, body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.UNREACHABLE, "cannot reach " + uri + ": "
                    + e.getMessage(), e);
        }
    }
}
