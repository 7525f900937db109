package dev.smartsat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.auth.BearerTokens;
import dev.smartsat.auth.Clients;
import dev.smartsat.auth.Role;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.Paging;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The OAuth client-credentials token endpoint and the admin's client management. */
final class ClientsApi {
    private static final String[] FIELDS = {"grant_type", "client_id", "client_secret"};

    private final Clients clients;
    private final long maxBody;

    ClientsApi(Clients clients, long maxBody) {
        this.clients = clients;
        this.maxBody = maxBody;
    }

    /** {@code POST /backend/oauth/token}, form-encoded or JSON. */
    void token(Context ctx) {
        Map<String, String> form = credentialsForm(ctx);
        String grant = form.get("grant_type");
        if (grant == null || grant.isBlank()) {
            throw new ClientError.BadRequest("grant_type", "grant_type is required and must be client_credentials");
        }
        if (!grant.equals("client_credentials")) {
            throw new ClientError.BadRequest("grant_type", "grant_type must be client_credentials, not '" + grant + "'");
        }
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        if (id == null || id.isBlank() || secret == null || secret.isEmpty()) {
            throw new ClientError.Unauthorized("client_id and client_secret are required");
        }
        BearerTokens.AccessToken token = clients.issueToken(id, secret);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.expiresInSeconds());
        ctx.header("Cache-Control", "no-store").json(body);
    }

    private Map<String, String> credentialsForm(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        Map<String, String> form = new LinkedHashMap<>();
        if (type.contains("json")) {
            ObjectNode body = Bodies.jsonObject(ctx, maxBody);
            for (String key : FIELDS) {
                JsonNode value = body.get(key);
                if (value != null && !value.isNull()) {
                    if (!value.isTextual()) {
                        throw new ClientError.BadRequest(key, key + " must be a string");
                    }
                    form.put(key, value.asText());
                }
            }
            return form;
        }
        if (!type.isEmpty() && !type.contains("application/x-www-form-urlencoded")) {
            throw new ClientError.UnsupportedMediaType(
                    "send application/x-www-form-urlencoded or application/json, not " + ctx.contentType());
        }
        // The body is already in memory, at most one byte over the limit (server/AsyncBodies), and a declared
        // length over it was refused before the route; a chunked one is measured here.
        Bodies.checkDeclaredLength(ctx, maxBody);
        if (ctx.bodyAsBytes().length > maxBody) {
            throw Bodies.tooLarge(maxBody);
        }
        // Javalin's form parsing drops a name or value it cannot percent-decode; SPEC §4 wants a 400, never ignored.
        StrictUri.checkPairs(ctx.body(), "form field");
        Map<String, List<String>> params = ctx.formParamMap();
        for (String key : FIELDS) {
            List<String> values = params.get(key);
            if (values != null && !values.isEmpty()) {
                form.put(key, values.get(0));
            }
        }
        return form;
    }

    void create(Context ctx) {
        ObjectNode body = Bodies.jsonObject(ctx, maxBody);
        String name = Fields.requiredString(body, "name");
        String roleText = Fields.requiredString(body, "role");
        Role role = Role.parse(roleText).orElseThrow(() -> new ClientError.Unprocessable("role",
                "role must be admin, operator or viewer, not '" + roleText + "'"));
        Clients.Credentials credentials = clients.create(name, role);
        ctx.status(201).header("Cache-Control", "no-store").json(credentials);
    }

    void list(Context ctx) {
        Paging paging = QueryParams.paging(ctx);
        ctx.json(Lists.of("clients", clients.count(), clients.list(paging.limit(), paging.offset())));
    }

    void remove(Context ctx) {
        clients.remove(ctx.pathParam("id"));
        ctx.status(204);
    }
}
