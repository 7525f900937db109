package dev.smartsat.product;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.agent.AgentHttpClient;
import dev.smartsat.agent.TransportException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What a scenario runner asks of the satellite besides the product's own messages, through the management API with
 * an admin client (SPEC §4, §5, §9): its clock, injected faults, fresh registration tokens and reservations. A
 * bearer token lasts an hour of wall-clock time, so a long run takes a new one when the old one is refused.
 */
public final class SatelliteAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/backend/api/v1";

    /** The satellite's answer to a reservation: the authorization code, or why there is none. */
    public record Reserved(String authorizationCode, String refusal) {
    }

    private final AgentHttpClient http;
    private final URI base;
    private final String clientId;
    private final String clientSecret;
    private String bearer;
    private String account;

    SatelliteAdmin(AgentHttpClient http, URI transportUrl, Path credentials) {
        this.http = http;
        this.base = transportUrl.resolve("/");
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(credentials));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the admin credentials " + credentials + " (--admin-credentials):"
                    + " " + e.getMessage());
        }
        this.clientId = node.path("client_id").asText(null);
        this.clientSecret = node.path("client_secret").asText(null);
        if (clientId == null || clientSecret == null) {
            throw new IllegalArgumentException(credentials + " holds no client_id and client_secret");
        }
    }

    /** The satellite's time from {@code GET /health}, which needs no credentials. */
    static Instant health(AgentHttpClient http, URI transportUrl) throws TransportException {
        AgentHttpClient.Response r = send(http, "GET", transportUrl.resolve("/health"), Map.of(), null);
        try {
            return Instant.parse(JSON.readTree(r.body()).path("time").asText());
        } catch (IOException | RuntimeException e) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "GET /health answered HTTP "
                    + r.status() + " without a time; is " + transportUrl + " a SmartSat satellite?");
        }
    }

    Instant clock() throws TransportException {
        return Instant.parse(call("GET", API + "/sim/clock", null, 200).path("now").asText());
    }

    void setClock(Instant now) throws TransportException {
        call("PUT", API + "/sim/clock", "{\"now\":\"" + now + "\"}", 200);
    }

    void faults(JsonNode body) throws TransportException {
        call("POST", API + "/sim/faults", body.toString(), 200);
    }

    /** A fresh registration token of {@code virtualAccount}, 365 days, export-controlled functionality allowed. */
    String newToken(String virtualAccount) throws TransportException {
        JsonNode answer = call("POST", vaPath(virtualAccount) + "/tokens", "{\"description\":\"smartsat product run\","
                + "\"expiresAfterDays\":365,\"exportControlled\":\"Allowed\",\"maxUses\":null}", 201);
        return answer.path("tokenInfo").path("token").asText();
    }

    /** The virtual account's license view, {@code GET …/licenses} (every page). */
    JsonNode licenses(String virtualAccount) throws TransportException {
        return call("GET", vaPath(virtualAccount) + "/licenses?limit=1000", null, 200).path("licenses");
    }

    Reserved reserve(String virtualAccount, String requestCode, Map<String, Long> licenses) throws TransportException {
        ObjectNode request = JSON.createObjectNode();
        ObjectNode entry = request.putArray("reservationRequests").addObject();
        entry.put("reservationCode", requestCode).put("reservationType", "SPECIFIC");
        lines(entry.putArray("licenses"), licenses);
        AgentHttpClient.Response r = request("POST", vaPath(virtualAccount) + "/reserve-licenses", request.toString());
        JsonNode body = json(r);
        if (r.status() != 200) {
            JsonNode first = body.path("authorizationCodes").path(0);
            String why = first.path("statusMessage").asText(body.path("message").asText("HTTP " + r.status()));
            return new Reserved(null, why);
        }
        return new Reserved(body.path("authorizationCodes").path(0).path("authorizationCode").asText(), null);
    }

    Reserved updateReservation(String virtualAccount, String piid, Map<String, Long> licenses)
            throws TransportException {
        ObjectNode request = JSON.createObjectNode();
        lines(request.putArray("licenses"), licenses);
        AgentHttpClient.Response r = request("POST", vaPath(virtualAccount) + "/devices/" + piid + "/reservation",
                request.toString());
        JsonNode body = json(r);
        if (r.status() != 200) {
            return new Reserved(null, body.path("message").asText("HTTP " + r.status()));
        }
        return new Reserved(body.path("authorizationCode").asText(), null);
    }

    void confirm(String virtualAccount, String piid, String confirmationCode) throws TransportException {
        call("POST", vaPath(virtualAccount) + "/devices/" + piid + "/reservation/confirm",
                "{\"confirmationCode\":\"" + confirmationCode + "\"}", 200);
    }

    private static void lines(ArrayNode array, Map<String, Long> licenses) {
        licenses.forEach((tag, quantity) -> array.addObject().put("entitlementTag", tag).put("quantity", quantity));
    }

    private String vaPath(String virtualAccount) throws TransportException {
        if (account == null) {
            account = call("GET", API + "/accounts", null, 200).path("accounts").path(0).path("name").asText();
        }
        return API + "/accounts/" + encode(account) + "/virtual-accounts/" + encode(virtualAccount);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body, int expected) throws TransportException {
        AgentHttpClient.Response r = request(method, path, body);
        if (r.status() != expected) {
            throw new IllegalStateException(method + " " + path + " answered HTTP " + r.status() + ": "
                    + new String(r.body(), StandardCharsets.UTF_8) + (path.contains("/sim/")
                    ? " (are simulation controls enabled, and are the credentials an admin's?)" : ""));
        }
        return json(r);
    }

    private AgentHttpClient.Response request(String method, String path, String body) throws TransportException {
        AgentHttpClient.Response r = authorized(method, path, body);
        if (r.status() == 401) {
            bearer = null;
            r = authorized(method, path, body);
        }
        return r;
    }

    private AgentHttpClient.Response authorized(String method, String path, String body) throws TransportException {
        if (bearer == null) {
            bearer = token();
        }
        return send(http, method, base.resolve(path), body == null
                ? Map.of("Authorization", "Bearer " + bearer)
                : Map.of("Authorization", "Bearer " + bearer, "Content-Type", "application/json"), body);
    }

    private String token() throws TransportException {
        String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret="
                + encode(clientSecret);
        AgentHttpClient.Response r = send(http, "POST", base.resolve("/backend/oauth/token"),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), form);
        if (r.status() != 200) {
            throw new IllegalStateException("the satellite refused the admin credentials (HTTP " + r.status() + ")");
        }
        return json(r).path("access_token").asText();
    }

    private static JsonNode json(AgentHttpClient.Response r) throws TransportException {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.NOT_AN_ENVELOPE, "the satellite answered HTTP "
                    + r.status() + " without JSON");
        }
    }

    private static AgentHttpClient.Response send(AgentHttpClient http, String method, URI uri,
                                                 Map<String, String> headers, String body) throws TransportException {
        try {
            return http.send(method, uri, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        } catch (javax.net.ssl.SSLException e) {
            throw new TransportException(TransportException.Kind.UNTRUSTED, "TLS with " + uri.getAuthority()
                    + " failed (is --ca the satellite's root CA?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TransportException(TransportException.Kind.UNREACHABLE, "cannot reach " + uri + ": "
                    + e.getMessage(), e);
        }
    }
}
