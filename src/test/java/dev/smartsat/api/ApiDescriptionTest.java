package dev.smartsat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.reservation.AuthorizationCode;
import dev.smartsat.reservation.RequestCode;
import dev.smartsat.reservation.ReturnCode;
import dev.smartsat.sync.SyncPair;
import dev.smartsat.transport.TestDevice;
import io.javalin.router.Endpoint;
import io.javalin.security.RouteRole;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API description (SPEC §13) held to the running servers: it names every route of the route table with the
 * roles the route really admits and no route that does not exist, it is valid OpenAPI 3, and each of its example
 * request bodies is accepted by the real endpoint.
 */
class ApiDescriptionTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    /** What a caller gets back when the server refuses its input: an example must never get these. */
    private static final Set<Integer> BAD_INPUT = Set.of(400, 404, 413, 415, 422);
    private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}");

    @TempDir
    static Path dir;
    static SyncPair pair;
    static JsonNode document;

    @BeforeAll
    static void start() {
        pair = SyncPair.start(dir, "disconnected");
        Response r = pair.satellite.get(ApiDocs.DOCUMENT, null);
        assertEquals(200, r.status(), "the document is served without a token: " + r);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        document = r.json();
    }

    @AfterAll
    static void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    /** "METHOD /path/{param}" of every documented operation, to its operation object. */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new LinkedHashMap<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                ops.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
            }
        }));
        return ops;
    }

    /** The roles a route's declared access admits, as the document names them; none for a public route. */
    private static List<String> roles(Set<RouteRole> declared) {
        // Routes fail closed to admin when they declare nothing (Routes.authorize); every route here declares one.
        assertEquals(1, declared.size(), "a route declares exactly one Access: " + declared);
        return switch ((Access) declared.iterator().next()) {
            case PUBLIC -> List.of();
            case READ -> List.of("admin", "operator", "viewer");
            case WRITE -> List.of("admin", "operator");
            case ADMIN -> List.of("admin");
        };
    }

    @Test
    void everyRouteIsDocumentedWithItsRolesAndNothingElse() {
        Map<String, List<String>> served = new TreeMap<>();
        for (Endpoint e : pair.satellite.server().routes()) {
            served.put(e.getMethod().name() + " " + e.getPath(), roles(e.getRoles()));
        }
        Map<String, JsonNode> documented = operations();

        // The management API, its token endpoint, health, metrics and the device transport must all be described; other
        // routes (the browsable view and its script) may be.
        Set<String> undocumented = new TreeSet<>();
        served.keySet().stream().filter(r -> {
            String path = r.substring(r.indexOf(' ') + 1);
            return path.startsWith("/backend/") || path.startsWith("/SmartTransport") || path.equals("/health")
                    || path.equals("/metrics");
        }).filter(r -> !documented.containsKey(r)).forEach(undocumented::add);
        Set<String> notServed = new TreeSet<>(documented.keySet());
        notServed.removeAll(served.keySet());
        assertTrue(undocumented.isEmpty() && notServed.isEmpty(), "openapi.yaml and Routes differ."
                + "\n  routes the document does not describe: " + undocumented
                + "\n  documented operations that are no route: " + notServed);

        Map<String, String> wrongRoles = new TreeMap<>();
        documented.forEach((route, op) -> {
            List<String> said = new ArrayList<>();
            op.path("x-smartsat-roles").forEach(r -> said.add(r.asText()));
            boolean publicSaid = op.has("security") && op.get("security").isEmpty();
            if (!said.equals(served.get(route)) || publicSaid != served.get(route).isEmpty()) {
                wrongRoles.put(route, "documented " + said + (publicSaid ? " (no token)" : "")
                        + ", served " + served.get(route));
            }
            String description = op.path("description").asText();
            if (!said.isEmpty() && !description.startsWith("Roles: " + String.join(", ", said) + ".")) {
                wrongRoles.put(route, "description does not start with \"Roles: " + String.join(", ", said) + ".\"");
            }
        });
        assertTrue(wrongRoles.isEmpty(), "documented roles differ from the routes' Access: " + wrongRoles);
    }

    @Test
    void theDocumentIsValidOpenApi3() throws Exception {
        var result = new OpenAPIV3Parser().readContents(TestSatellite.JSON.writeValueAsString(document), null,
                new ParseOptions());
        assertNotNull(result.getOpenAPI(), "not parsed as OpenAPI: " + result.getMessages());
        assertEquals(List.of(), result.getMessages(), "the OpenAPI parser's complaints");

        assertTrue(document.path("openapi").asText().startsWith("3."), "openapi: " + document.path("openapi"));
        assertFalse(document.path("info").path("title").asText().isBlank());
        assertEquals("dev", document.path("info").path("version").asText(), "info.version is the running version");
        assertEquals("bearer", document.at("/components/securitySchemes/bearer/scheme").asText());
        operations().forEach((route, op) -> {
            assertTrue(op.path("responses").size() > 0, route + " has no responses");
            assertTrue(op.path("x-smartsat-roles").isArray(), route + " has no x-smartsat-roles");
            assertFalse(op.path("summary").asText().isBlank(), route + " has no summary");
        });
    }

    @Test
    void everyExampleRequestBodyIsAcceptedByTheRealEndpoint() throws Exception {
        Fixtures fixtures = new Fixtures();
        List<String> refused = new ArrayList<>();
        int sent = 0;
        for (var entry : operations().entrySet()) {
            JsonNode op = entry.getValue();
            JsonNode content = op.path("requestBody").path("content");
            String template = entry.getKey().substring(entry.getKey().indexOf(' ') + 1);
            String method = entry.getKey().substring(0, entry.getKey().indexOf(' '));
            boolean upstreamOnly = "cssm".equals(op.path("x-smartsat-server-role").asText());
            TestSatellite server = upstreamOnly ? pair.upstream : pair.satellite;
            for (Iterator<String> types = content.fieldNames(); types.hasNext(); ) {
                String type = types.next();
                List<JsonNode> examples = examples(content.get(type));
                // A browser's file upload and the devices' signed messages have no example to send as it is.
                if (type.startsWith("multipart/") || template.equals("/SmartTransport")) {
                    continue;
                }
                assertFalse(examples.isEmpty(), entry.getKey() + " " + type + " has no example request body");
                for (JsonNode example : examples) {
                    String body = fixtures.body(op.path("operationId").asText(), example, server);
                    String path = fixtures.path(template, op, document.path("paths").get(template), server);
                    Response r = server.send(method, path, server.adminToken(), type, HttpRequest.BodyPublishers.ofString(
                            type.contains("form") ? form(example, body) : body));
                    sent++;
                    if (BAD_INPUT.contains(r.status()) || r.status() >= 500) {
                        refused.add(entry.getKey() + " (" + type + ") with " + body + " → " + r);
                    }
                }
            }
        }
        assertTrue(sent >= 20, "only " + sent + " examples were sent");
        assertTrue(refused.isEmpty(), "examples refused as bad input:\n  " + String.join("\n  ", refused));
    }

    private static List<JsonNode> examples(JsonNode media) {
        List<JsonNode> out = new ArrayList<>();
        if (media.has("example")) {
            out.add(media.get("example"));
        }
        media.path("examples").forEach(e -> out.add(e.get("value")));
        return out;
    }

    /** A form body from the example's fields, with the live values {@code body} put in. */
    private static String form(JsonNode example, String body) throws Exception {
        JsonNode live = TestSatellite.JSON.readTree(body);
        StringBuilder form = new StringBuilder();
        example.fieldNames().forEachRemaining(k -> form.append(form.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(live.get(k).asText(), StandardCharsets.UTF_8)));
        return form.toString();
    }

    /**
     * What the examples need that no document can hold: the path parameters of things that exist (a token, a
     * device, a reservation, a client) and the values only a device or the server makes — credentials, a
     * reservation's confirmation and return codes, and signed sync files, which are sent live once the example
     * is seen to have their exact shape.
     */
    private static final class Fixtures {
        final String registrationToken = pair.satellite.createToken("Default", "{\"description\":\"ApiDescriptionTest\"}");
        final String device;
        final String reservation;

        Fixtures() {
            var d = new TestDevice(pair.satellite, "C9300-24UX", "APIDOCSDEV1");
            assertEquals("OK", d.register(registrationToken).status());
            this.device = d.piid;
            String code = RequestCode.newFor("C9300-24UX", "APIDOCSRES1").text();
            Response r = pair.satellite.post(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/reserve-licenses",
                    pair.satellite.adminToken(), "{\"reservationRequests\":[{\"reservationCode\":\"" + code
                            + "\",\"licenses\":[{\"entitlementTag\":\"" + TestDevice.NETWORK_ADVANTAGE + "\",\"quantity\":1}]}]}");
            assertEquals(200, r.status(), r.toString());
            this.reservation = r.json().at("/authorizationCodes/0/productInstanceIdentifier").asText();
        }

        String path(String template, JsonNode op, JsonNode pathItem, TestSatellite server) {
            Matcher m = PARAMETER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String value = switch (name) {
                    case "token" -> registrationToken;
                    case "piid" -> template.contains("/reservation") || template.endsWith("/remove") ? reservation : device;
                    case "id" -> server.newClient("viewer").id();
                    default -> exampleOf(name, pathItem, op);
                };
                m.appendReplacement(out, Matcher.quoteReplacement(URLEncoder.encode(value, StandardCharsets.UTF_8)
                        .replace("+", "%20")));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** A path parameter's example in the document, following a $ref to the shared parameters. */
        private static String exampleOf(String name, JsonNode pathItem, JsonNode op) {
            List<JsonNode> params = new ArrayList<>();
            pathItem.path("parameters").forEach(params::add);
            op.path("parameters").forEach(params::add);
            for (JsonNode p : params) {
                JsonNode param = p.has("$ref") ? document.at(p.get("$ref").asText().substring(1)) : p;
                if (param.path("name").asText().equals(name) && param.has("example")) {
                    return param.get("example").asText();
                }
            }
            throw new AssertionError("path parameter {" + name + "} has no example and no fixture");
        }

        String body(String operationId, JsonNode example, TestSatellite server) throws Exception {
            Supplier<String> signedFile = switch (operationId) {
                case "syncResponseFile" -> () -> pair.processOnline(pair.requestFile()).body();
                case "processSync" -> () -> new String(pair.requestFile(), StandardCharsets.UTF_8);
                default -> null;
            };
            if (signedFile != null) {
                String live = signedFile.get();
                assertEquals(shape(TestSatellite.JSON.readTree(live)), shape(example), operationId
                        + ": the example is not shaped like a real sync file");
                return live;
            }
            ObjectNode body = example.deepCopy();
            Map<String, String> credentials = server.adminCredentials();
            if (body.has("client_id")) {
                body.put("client_id", credentials.get("client_id"));
                body.put("client_secret", credentials.get("client_secret"));
            }
            if (body.has("confirmationCode")) {
                String pending = device(reservation).at("/reservation/pendingAuthorizationCode").asText();
                body.put("confirmationCode", AuthorizationCode.parse(pending).confirmationCode());
            }
            if (body.has("returnCode")) {
                AuthorizationCode inForce = AuthorizationCode.parse(device(reservation).at("/reservation/authorizationCode").asText());
                body.put("returnCode", ReturnCode.of(reservation, inForce.udi(), inForce.timestamp()));
            }
            return TestSatellite.JSON.writeValueAsString(body);
        }

        private static JsonNode device(String piid) {
            return pair.satellite.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/devices/" + piid,
                    pair.satellite.adminToken()).json();
        }

        /** The keys of an object and of the objects in it. */
        private static Set<String> shape(JsonNode node) {
            Set<String> keys = new TreeSet<>();
            node.fields().forEachRemaining(f -> {
                keys.add(f.getKey());
                shape(f.getValue()).forEach(k -> keys.add(f.getKey() + "." + k));
            });
            return keys;
        }
    }
}
