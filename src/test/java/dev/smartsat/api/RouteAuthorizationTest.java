package dev.smartsat.api;

import static dev.smartsat.api.Access.ADMIN;
import static dev.smartsat.api.Access.READ;
import static dev.smartsat.api.Access.WRITE;
import static dev.smartsat.api.Routes.API;
import static dev.smartsat.api.Routes.VA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.reservation.RequestCode;
import dev.smartsat.transport.TransportHandler;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every management route of {@link Routes} against every kind of caller (SPEC §4): nobody, a forged
 * or malformed credential, an expired token, each role that may not call it (403), and each role
 * that may (its usual answer). Denied requests must change nothing.
 */
class RouteAuthorizationTest {
    private static final String ACCOUNT = "Example%20Corp";
    private static final String DEFAULT_VA = "Default";
    private static final String LAB_VA = "Lab";
    private static final String TOKEN_BODY =
            "{\"description\":\"RouteAuthorizationTest {unique}\",\"expiresAfterDays\":30,"
                    + "\"exportControlled\":\"Not Allowed\",\"maxUses\":null}";
    private static final String BROKEN_JSON = "{\"this is\": not json";

    /** One management route: how to call it, what it needs, and what an allowed caller gets back. */
    record Row(String method, String template, Access access, String va, String body, int success) {
        /** Bodies and paths may hold {unique}, {tag} (an entitlement tag of Default) and the path parameters. */
        Row in(String virtualAccount) {
            return new Row(method, template, access, virtualAccount, body, success);
        }

        String route() {
            return method + " " + template;
        }

        @Override
        public String toString() {
            return route() + " [" + access + "]";
        }
    }

    private static Row row(String method, String template, Access access, String body, int success) {
        return new Row(method, template, access, DEFAULT_VA, body, success);
    }

    /** Every route of {@link Routes#register} but the public ones. */
    static final List<Row> ROWS = List.of(
            row("GET", API + "/accounts", READ, null, 200),
            row("GET", API + "/accounts/{account}/virtual-accounts", READ, null, 200),
            row("POST", API + "/accounts/{account}/virtual-accounts", WRITE,
                    "{\"name\":\"RouteAuth-{unique}\",\"description\":\"made by RouteAuthorizationTest\"}", 201),
            row("GET", VA, READ, null, 200),
            row("PATCH", VA, WRITE, "{\"description\":\"Lab, described by RouteAuthorizationTest {unique}\"}", 200)
                    .in(LAB_VA),
            // SPEC §4: a satellite's virtual accounts cannot be deleted, so an allowed caller gets 409.
            row("DELETE", VA, WRITE, null, 409).in(LAB_VA),

            row("GET", VA + "/tokens", READ, null, 200),
            row("POST", VA + "/tokens", WRITE, TOKEN_BODY, 201),
            row("POST", VA + "/tokens/{token}/revoke", WRITE, null, 200),
            row("DELETE", VA + "/tokens/{token}", WRITE, null, 204),

            row("GET", VA + "/licenses", READ, null, 200),
            // SPEC §4: purchases are for the upstream; a satellite answers 409.
            row("POST", VA + "/licenses", WRITE, "{\"entitlementTag\":\"{tag}\",\"displayName\":\"Route test\","
                    + "\"quantity\":1,\"licenseType\":\"PERPETUAL\",\"endDate\":null}", 409),
            row("POST", VA + "/licenses/transfer", WRITE,
                    "{\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":1,\"targetVirtualAccount\":\"Lab\"}]}", 200),
            row("POST", API + "/accounts/{account}/licenses", WRITE,
                    "{\"virtualAccounts\":[\"Default\",\"Lab\"],\"limit\":50,\"offset\":0}", 200),

            row("GET", VA + "/devices", READ, null, 200),
            row("GET", VA + "/devices/{piid}", READ, null, 200),
            row("POST", VA + "/devices/{piid}/transfer", WRITE, "{\"targetVirtualAccount\":\"Lab\"}", 200),
            row("DELETE", VA + "/devices/{piid}", WRITE, null, 204),

            row("POST", VA + "/reserve-licenses", WRITE, "{\"reservationRequests\":[{\"reservationCode\":\"{requestCode}\","
                    + "\"reservationType\":\"SPECIFIC\",\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":1}]}]}", 200),
            row("POST", VA + "/devices/{piid}/reservation", WRITE,
                    "{\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":2}]}", 200),
            // The confirmation and return codes are the device's, so an allowed caller reaches the checks: a fresh
            // reservation has no update to confirm (409), and "not-the-code" is not its return code (422).
            row("POST", VA + "/devices/{piid}/reservation/confirm", WRITE, "{\"confirmationCode\":\"00000000\"}", 409),
            row("POST", VA + "/devices/{piid}/remove", WRITE, "{\"returnCode\":\"not-the-code\"}", 422),

            row("GET", API + "/accounts/{account}/events", READ, null, 200),
            row("GET", API + "/events", ADMIN, null, 200),
            row("GET", API + "/accounts/{account}/alerts", READ, null, 200),
            row("GET", API + "/accounts/{account}/reports/{kind}", READ, null, 200),

            row("GET", API + "/sync", READ, null, 200),
            // SPEC §8: the satellite here is in disconnected mode, where a network sync is a 409.
            row("POST", API + "/sync/now", WRITE, null, 409),
            row("GET", API + "/sync/request-file", WRITE, null, 200),
            // Not a sync file at all: 400 (recorded as a failed sync).
            row("POST", API + "/sync/response-file", WRITE, "{\"not\":\"a sync response {unique}\"}", 400),
            // The upstream's routes answer 409 on a satellite (SyncRoutesTest covers them on an upstream).
            row("POST", API + "/satellite/sync", WRITE, "{\"not\":\"a sync request {unique}\"}", 409),
            row("GET", API + "/satellites", READ, null, 409),
            row("GET", API + "/satellites/{satelliteId}/instances", READ, null, 409),

            row("POST", API + "/clients", ADMIN, "{\"name\":\"RouteAuthorizationTest {unique}\",\"role\":\"viewer\"}", 201),
            row("GET", API + "/clients", ADMIN, null, 200),
            row("DELETE", API + "/clients/{id}", ADMIN, null, 204),

            // The metrics are for any role (SPEC §13), though outside the management API's prefix.
            row("GET", "/metrics", READ, null, 200),

            row("GET", API + "/sim/clock", ADMIN, null, 200),
            row("PUT", API + "/sim/clock", ADMIN, "{\"advance\":\"PT1S\"}", 200),
            row("DELETE", API + "/sim/clock", ADMIN, null, 200),
            row("GET", API + "/sim/faults", ADMIN, null, 200),
            row("POST", API + "/sim/faults", ADMIN, "{}", 200));

    /** Routes whose {piid} is a reserved instance rather than a registered one. */
    private static final List<String> RESERVATION_ROUTES = List.of("/reservation", "/reservation/confirm", "/remove");

    /**
     * The routes that need no bearer token, and so have no row: health, the device transport, the token endpoint,
     * the API description with its browsable view, and the web console (every route under /console, below),
     * whose pages check a session cookie and a CSRF token instead (the console's own tests hold them to that).
     */
    private static final Set<String> PUBLIC_ROUTES = Set.of("GET /health", "GET /SmartTransport/trust",
            "GET /SmartTransport/crl", "POST /SmartTransport", "POST /backend/oauth/token",
            "GET " + API + "/openapi.json", "GET /api-docs", "GET /api-docs/init.js",
            "GET /");

    @TempDir
    static Path dir;
    static Sat sat;

    @BeforeAll
    static void start() {
        sat = Sat.start(dir);
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The table covers every route

    @Test
    void theTableCoversEveryRegisteredRoute() {
        // Register the routes on an app that is never started and list them with Javalin's own
        // handler-added events: a new route, or a changed Access, without a matching row fails here.
        List<String> registered = new ArrayList<>();
        Set<HandlerType> verbs = EnumSet.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);
        Javalin app = Javalin.create(config -> config.events(events -> events.handlerAdded(h -> {
            if (verbs.contains(h.getHttpMethod())) {
                registered.add(h.getHttpMethod() + " " + h.getPath() + " " + h.getRoles());
            }
        })));
        var transport = new TransportHandler(null, null, null, null, 1, Duration.ofSeconds(1),
                TransportHandler.Observer.NONE);
        Routes.register(app, new Routes.Satellite("satellite", "disconnected", "dev", transport, null, null,
                ctx -> ctx.result("metrics")),
                new Routes.Services(null, null, null, null, null, null, null, null, null, null, true, false, 1024, null,
                        1024, null, null));
        assertFalse(registered.isEmpty(), "Javalin reported no routes; the listing no longer works");

        Set<String> expected = new TreeSet<>();
        ROWS.forEach(r -> expected.add(r.route() + " [" + r.access() + "]"));
        PUBLIC_ROUTES.forEach(r -> expected.add(r + " [" + Access.PUBLIC + "]"));
        assertEquals(expected.size(), ROWS.size() + PUBLIC_ROUTES.size(), "the table has duplicate rows");
        assertEquals(registered.size(), new TreeSet<>(registered).size(), "a route is registered twice: " + registered);
        // The console's routes are many and all alike: each must be PUBLIC to the bearer-token check.
        List<String> console = registered.stream().filter(r -> r.matches("(GET|POST) /console[ /].*")).toList();
        assertTrue(console.size() >= 5, "the console registered no routes: " + registered);
        console.forEach(r -> assertTrue(r.endsWith(" [" + Access.PUBLIC + "]"), "a console route not PUBLIC: " + r));
        Set<String> withoutRow = new TreeSet<>(registered);
        withoutRow.removeAll(console);
        withoutRow.removeAll(expected);
        Set<String> withoutRoute = new TreeSet<>(expected);
        withoutRoute.removeAll(registered);
        assertTrue(withoutRow.isEmpty() && withoutRoute.isEmpty(), "Routes.register and the table differ."
                + "\n  registered, but no row (add one): " + withoutRow
                + "\n  a row, but no such route (or another Access): " + withoutRoute);
    }

    // ---------------------------------------------------------------------------------------------
    // Denied: no, forged or malformed credentials (401); a role that may not (403)

    @TestFactory
    Stream<DynamicTest> deniedCallersGet401Or403AndChangeNothing() {
        return ROWS.stream().map(row -> DynamicTest.dynamicTest(row + " denied", () -> {
            String path = sat.path(row, false);
            String body = sat.body(row);
            Map<String, String> before = sat.snapshot();

            for (String header : unauthenticatedHeaders()) {
                assertError(sat.send(row.method(), path, header, body), 401, row + " with Authorization: " + header);
            }
            if (body != null) {
                // Authentication comes before the body is even read.
                assertError(sat.send(row.method(), path, null, BROKEN_JSON), 401, row + " with no token and broken JSON");
            }
            for (String role : forbiddenRoles(row.access())) {
                String bearer = "Bearer " + sat.token(role);
                assertError(sat.send(row.method(), path, bearer, body), 403, row + " as " + role);
                if (body != null) {
                    assertError(sat.send(row.method(), path, bearer, BROKEN_JSON), 403, row + " as " + role
                            + " with broken JSON");
                }
            }

            assertEquals(before, sat.snapshot(), row + ": a denied request changed the satellite's state");
        }));
    }

    /** Authorization headers that must all answer 401: none, forged, malformed, or not a bearer token. */
    private static List<String> unauthenticatedHeaders() {
        String real = sat.token("admin");
        List<String> headers = new ArrayList<>();
        headers.add(null);                                         // no Authorization header at all
        headers.add("Bearer " + randomToken());                    // forged, shaped like a real token
        headers.add("Bearer not-a-token");                         // forged, not even shaped like one
        headers.add("Bearer " + real.substring(0, real.length() - 1)); // a real token, truncated
        headers.add("Bearer " + real + "x");                       // a real token, extended
        headers.add("Basic abc");                                  // another scheme
        headers.add("Basic " + real);                              // a real token under another scheme
        headers.add(real);                                         // a real token with no scheme
        headers.add("Bearer ");                                    // the scheme with nothing after it
        headers.add("Bearer");
        headers.add("");
        return headers;
    }

    private static List<String> forbiddenRoles(Access access) {
        return switch (access) {
            case READ, PUBLIC -> List.of();
            case WRITE -> List.of("viewer");
            case ADMIN -> List.of("viewer", "operator");
        };
    }

    private static List<String> allowedRoles(Access access) {
        return switch (access) {
            case READ, PUBLIC -> List.of("viewer", "operator", "admin");
            case WRITE -> List.of("operator", "admin");
            case ADMIN -> List.of("admin");
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Allowed: every role the route's Access admits gets the route's usual answer

    @TestFactory
    Stream<DynamicTest> allowedRolesGetTheRoutesUsualAnswer() {
        return ROWS.stream().map(row -> DynamicTest.dynamicTest(row + " allowed", () -> {
            for (String role : allowedRoles(row.access())) {
                String path = sat.path(row, true);
                Response r = sat.send(row.method(), path, "Bearer " + sat.token(role), sat.body(row));
                String what = row + " as " + role + " (" + row.method() + " " + path + ")";
                assertNotEquals(401, r.status(), what + " → " + r);
                assertNotEquals(403, r.status(), what + " → " + r);
                assertTrue(r.status() < 500, what + " → " + r);
                assertEquals(row.success(), r.status(), what + " → " + r);
                if (r.status() != 204 && !row.template().equals("/metrics")) {
                    r.json(); // every answer but 204 and the metrics' text format is a JSON document
                }
            }
        }));
    }

    // ---------------------------------------------------------------------------------------------
    // Specific state checks after denied writes, spelled out

    @Test
    void deniedWritesLeaveTheirTargetAsItWas() {
        String viewer = "Bearer " + sat.token("viewer");
        String operator = "Bearer " + sat.token("operator");
        String vas = API + "/accounts/" + ACCOUNT + "/virtual-accounts";

        // A viewer cannot create a virtual account, nor can an anonymous caller.
        String create = "{\"name\":\"MadeByAViewer\",\"description\":\"must not exist\"}";
        assertError(sat.send("POST", vas, viewer, create), 403, "viewer creates a virtual account");
        assertError(sat.send("POST", vas, null, create), 401, "anonymous creates a virtual account");
        JsonNode list = sat.send("GET", vas + "?limit=1000", viewer, null).json();
        assertFalse(names(list.get("virtualAccounts"), "name").contains("MadeByAViewer"), list.toString());

        // A viewer cannot describe one.
        String lab = vas + "/" + LAB_VA;
        String description = sat.send("GET", lab, viewer, null).json().get("description").asText();
        assertError(sat.send("PATCH", lab, viewer, "{\"description\":\"by a viewer\"}"), 403, "viewer patches Lab");
        assertEquals(description, sat.send("GET", lab, viewer, null).json().get("description").asText());

        // A viewer cannot revoke or remove a registration token: it stays ACTIVE and listed.
        String tokens = vas + "/" + DEFAULT_VA + "/tokens";
        assertError(sat.send("POST", tokens + "/" + sat.registrationToken + "/revoke", viewer, null), 403,
                "viewer revokes a token");
        assertError(sat.send("DELETE", tokens + "/" + sat.registrationToken, viewer, null), 403, "viewer removes a token");
        assertEquals("ACTIVE", sat.tokenStatus(DEFAULT_VA, sat.registrationToken));

        // A viewer cannot transfer licenses: both pools keep their quantities.
        String defaultLicenses = sat.send("GET", vas + "/Default/licenses", viewer, null).body();
        String labLicenses = sat.send("GET", vas + "/Lab/licenses", viewer, null).body();
        String transfer = "{\"licenses\":[{\"entitlementTag\":\"" + sat.tag + "\",\"quantity\":5,"
                + "\"targetVirtualAccount\":\"Lab\"}]}";
        assertError(sat.send("POST", vas + "/Default/licenses/transfer", viewer, transfer), 403, "viewer transfers licenses");
        assertEquals(defaultLicenses, sat.send("GET", vas + "/Default/licenses", viewer, null).body());
        assertEquals(labLicenses, sat.send("GET", vas + "/Lab/licenses", viewer, null).body());

        // An operator cannot manage API clients: the victim stays, no client is added.
        String admin = "Bearer " + sat.token("admin");
        JsonNode clientsBefore = sat.send("GET", API + "/clients?limit=1000", admin, null).json();
        assertError(sat.send("DELETE", API + "/clients/" + sat.victimClientId, operator, null), 403,
                "operator removes a client");
        assertError(sat.send("POST", API + "/clients", operator, "{\"name\":\"by an operator\",\"role\":\"admin\"}"),
                403, "operator creates an admin client");
        JsonNode clientsAfter = sat.send("GET", API + "/clients?limit=1000", admin, null).json();
        assertEquals(clientsBefore, clientsAfter);
        assertTrue(names(clientsAfter.get("clients"), "clientId").contains(sat.victimClientId), clientsAfter.toString());

        // An operator cannot move the simulated clock.
        String offset = sat.send("GET", API + "/sim/clock", admin, null).json().get("offset").asText();
        assertError(sat.send("PUT", API + "/sim/clock", operator, "{\"advance\":\"P31D\"}"), 403, "operator moves the clock");
        assertEquals(offset, sat.send("GET", API + "/sim/clock", admin, null).json().get("offset").asText());
    }

    @Test
    void aRemovedClientsTokenNoLongerWorks() {
        Sat.NewClient client = sat.newClient("operator");
        String bearer = "Bearer " + sat.sat.token(client.id(), client.secret());
        assertEquals(200, sat.send("GET", API + "/accounts", bearer, null).status());
        assertEquals(204, sat.send("DELETE", API + "/clients/" + client.id(), "Bearer " + sat.token("admin"), null).status());
        assertError(sat.send("GET", API + "/accounts", bearer, null), 401, "a removed client's token");
        assertError(sat.send("POST", API + "/accounts/" + ACCOUNT + "/virtual-accounts", bearer,
                "{\"name\":\"ByARemovedClient\"}"), 401, "a removed client's token on a write");
    }

    // ---------------------------------------------------------------------------------------------
    // Expired tokens (its own satellite: moving the wall clock expires every token)

    @Test
    void expiredTokensGet401OnEveryRoute(@TempDir Path own) {
        try (Sat expiring = Sat.start(own)) {
            Map<String, String> bearers = new LinkedHashMap<>();
            for (String role : List.of("admin", "operator", "viewer")) {
                bearers.put(role, "Bearer " + expiring.token(role));
            }
            // Valid just before the hour is up, so what follows is the expiry and nothing else.
            expiring.sat.wall.advance(Duration.ofSeconds(3590));
            bearers.forEach((role, bearer) ->
                    assertEquals(200, expiring.send("GET", API + "/accounts", bearer, null).status(), role + " at 3590 s"));
            Map<String, String> before = expiring.snapshot();

            expiring.sat.wall.advance(Duration.ofSeconds(11));
            for (Row row : ROWS) {
                String path = expiring.path(row, false);
                for (var e : bearers.entrySet()) {
                    assertError(expiring.send(row.method(), path, e.getValue(), expiring.body(row)), 401,
                            row + " with the expired token of " + e.getKey());
                }
            }

            // A new token works again, and nothing was changed by the expired ones.
            String fresh = "Bearer " + expiring.sat.token(expiring.adminId, expiring.adminSecret);
            assertEquals(200, expiring.send("GET", API + "/accounts", fresh, null).status());
            expiring.freshAdmin(fresh);
            assertEquals(before, expiring.snapshot(), "a request with an expired token changed the satellite's state");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private static void assertError(Response r, int status, String what) {
        assertEquals(status, r.status(), what + " → " + r);
        String type = r.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("application/json"), what + ": Content-Type " + type);
        JsonNode json = r.json();
        assertEquals("ERROR", json.path("status").asText(), what + " → " + r);
        assertTrue(json.path("message").isTextual() && !json.path("message").asText().isBlank(), what + " → " + r);
    }

    private static Set<String> names(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.get(field).asText()).collect(Collectors.toSet());
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A running satellite with the fixtures the rows need: role tokens, a registration token, a victim client. */
    static final class Sat implements AutoCloseable {
        final TestSatellite sat;
        final String adminId;
        final String adminSecret;
        final Map<String, String> roleTokens = new LinkedHashMap<>();
        final String registrationToken;
        final String victimClientId;
        final String sharedDevice;
        final String sharedReservation;
        final String tag;
        final AtomicInteger unique = new AtomicInteger();

        record NewClient(String id, String secret) {}

        private Sat(TestSatellite sat) {
            this.sat = sat;
            this.adminId = sat.adminCredentials().get("client_id");
            this.adminSecret = sat.adminCredentials().get("client_secret");
            roleTokens.put("admin", sat.adminToken());
            roleTokens.put("operator", sat.tokenForRole("operator"));
            roleTokens.put("viewer", sat.tokenForRole("viewer"));
            this.registrationToken = sat.createToken(DEFAULT_VA, TOKEN_BODY.replace("{unique}", "shared"));
            this.victimClientId = newClient("viewer").id();
            this.sharedDevice = newDevice();
            JsonNode licenses = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/licenses",
                    roleTokens.get("admin")).json().get("licenses");
            assertTrue(licenses.size() > 0, "the seed gave Default no licenses");
            this.tag = licenses.get(0).get("entitlementTag").asText();
            this.sharedReservation = newReservation();
        }

        static Sat start(Path dir) {
            return new Sat(TestSatellite.start(dir));
        }

        /** A device registered to Default over /SmartTransport; returns its product instance identifier. */
        String newDevice() {
            var device = new dev.smartsat.transport.TestDevice(sat, "C9300-24UX", "RA" + unique.incrementAndGet());
            var answer = device.register(registrationToken);
            assertEquals("OK", answer.status(), "registering a device: " + answer);
            return device.piid;
        }

        String token(String role) {
            return roleTokens.get(role);
        }

        /** Replaces the admin token the snapshot reads with, once the original has expired. */
        void freshAdmin(String bearer) {
            roleTokens.put("admin", bearer.substring("Bearer ".length()));
        }

        NewClient newClient(String role) {
            Response r = send("POST", API + "/clients", "Bearer " + token("admin"),
                    "{\"name\":\"RouteAuthorizationTest " + role + " " + unique.incrementAndGet() + "\",\"role\":\"" + role + "\"}");
            assertEquals(201, r.status(), "creating a client: " + r);
            return new NewClient(r.json().get("clientId").asText(), r.json().get("clientSecret").asText());
        }

        /**
         * The row's concrete path. With {@code fresh}, the registration token or client it names is made
         * for this one call (an allowed revoke or delete uses it up); otherwise it is the shared one, which
         * a denied call must leave as it was.
         */
        String path(Row row, boolean fresh) {
            String path = row.template().replace("{account}", ACCOUNT).replace("{va}", row.va()).replace("{kind}", "licenses");
            if (path.contains("{token}")) {
                String value = fresh
                        ? sat.createToken(row.va(), TOKEN_BODY.replace("{unique}", String.valueOf(unique.incrementAndGet())))
                        : registrationToken;
                path = path.replace("{token}", value);
            }
            if (path.contains("{piid}") && RESERVATION_ROUTES.stream().anyMatch(row.template()::endsWith)) {
                path = path.replace("{piid}", fresh ? newReservation() : sharedReservation);
            }
            if (path.contains("{piid}")) {
                path = path.replace("{piid}", fresh ? newDevice() : sharedDevice);
            }
            path = path.replace("{satelliteId}", "5d1c3a52-0000-4000-8000-000000000001");
            if (path.contains("{id}")) {
                path = path.replace("{id}", fresh ? newClient("viewer").id() : victimClientId);
            }
            if (path.contains("{")) {
                fail("no value for a path parameter of " + row + ": " + path);
            }
            return path;
        }

        String body(Row row) {
            return row.body() == null ? null
                    : row.body().replace("{unique}", String.valueOf(unique.incrementAndGet())).replace("{tag}", tag)
                    .replace("{requestCode}", RequestCode.newFor("C9300-24UX", "RQ" + unique.incrementAndGet()).text());
        }

        /** A Specific License Reservation of one license in Default; returns its product instance identifier. */
        String newReservation() {
            String body = "{\"reservationRequests\":[{\"reservationCode\":\""
                    + RequestCode.newFor("C9300-24UX", "RS" + unique.incrementAndGet()).text()
                    + "\",\"licenses\":[{\"entitlementTag\":\"" + tag + "\",\"quantity\":1}]}]}";
            Response r = send("POST", API + "/accounts/" + ACCOUNT + "/virtual-accounts/Default/reserve-licenses",
                    "Bearer " + token("admin"), body);
            assertEquals(200, r.status(), "reserving for a device: " + r);
            return r.json().get("authorizationCodes").get(0).get("productInstanceIdentifier").asText();
        }

        /** A request with exactly the Authorization header given (none when null); a body is sent as JSON. */
        Response send(String method, String path, String authorization, String body) {
            return sat.sendWithAuthorization(method, path, authorization, body == null ? null : "application/json",
                    body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        }

        /** The registration token's status as listed, or "MISSING". */
        String tokenStatus(String va, String value) {
            JsonNode list = send("GET", API + "/accounts/" + ACCOUNT + "/virtual-accounts/" + va + "/tokens?limit=1000",
                    "Bearer " + token("admin"), null).json().get("tokens");
            for (JsonNode t : list) {
                if (t.get("token").asText().equals(value)) {
                    return t.get("status").asText();
                }
            }
            return "MISSING";
        }

        /** Everything a management call can change, as the admin reads it. */
        Map<String, String> snapshot() {
            String admin = "Bearer " + token("admin");
            String account = API + "/accounts/" + ACCOUNT;
            Map<String, String> state = new LinkedHashMap<>();
            for (String path : List.of(API + "/accounts", account + "/virtual-accounts?limit=1000",
                    account + "/virtual-accounts/Default/tokens?limit=1000", account + "/virtual-accounts/Lab/tokens?limit=1000",
                    account + "/virtual-accounts/Default/licenses", account + "/virtual-accounts/Lab/licenses",
                    API + "/clients?limit=1000", API + "/events?limit=1000")) {
                Response r = send("GET", path, admin, null);
                assertEquals(200, r.status(), "snapshot " + path + " → " + r);
                state.put(path, r.body());
            }
            // The clock's "now" runs on; its offset is what PUT /sim/clock changes.
            state.put("clock offset", send("GET", API + "/sim/clock", admin, null).json().get("offset").asText());
            return state;
        }

        @Override
        public void close() {
            sat.close();
        }
    }
}
