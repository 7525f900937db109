package dev.smartsat.api;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import dev.smartsat.reservation.RequestCode;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on every management route that takes a body (SPEC §4): each bad request gets its
 * documented 4xx (never 500) with the {@code {"status":"ERROR","message","errors"}} body, and leaves
 * every piece of stored state as it was. The happy path of each route runs once, to prove the routes
 * do work.
 */
class BadInputTest {
    static final String API = "/backend/api/v1";
    static final String ACCOUNT = TestSatellite.ACCOUNT_PATH;
    static final String VAS = ACCOUNT + "/virtual-accounts";
    static final String DEFAULT = VAS + "/Default";
    static final String LAB = VAS + "/Lab";
    static final String SEARCH = ACCOUNT + "/licenses";
    static final String CLIENTS = API + "/clients";
    static final String CLOCK = API + "/sim/clock";
    static final String OAUTH = "/backend/oauth/token";
    static final String JSON = "application/json";
    static final String FORM = "application/x-www-form-urlencoded";
    static final int MAX_BODY = 1024 * 1024;
    /** Virtual accounts with non-ASCII names, for case-insensitive uniqueness beyond ASCII. */
    static final String UNICODE_VA = "Über Lab";
    static final String UNICODE_VA_2 = "Ärzte Lab";
    /** A virtual account only the rename-conflict case touches, so a wrong rename cannot break the others. */
    static final String RENAME_PROBE = "Rename Probe";

    @TempDir
    static Path tmp;

    static TestSatellite sat;
    static String admin;
    static String viewer;
    static String operator;
    static Map<String, String> adminCredentials;
    /** An ACTIVE token of Default, created once. */
    static String token;
    /** A tag both Default and Lab hold, and one only Default holds. */
    static String tag;
    static String tagDefaultOnly;
    /** A reservation of one license of {@code tag} in Default. */
    static String reservedPiid;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sat"));
        sat = TestSatellite.start(dir);
        admin = sat.adminToken();
        adminCredentials = sat.adminCredentials();
        viewer = sat.tokenForRole("viewer");
        operator = sat.tokenForRole("operator");
        token = sat.createToken("Default", "{\"description\":\"fixture\",\"expiresAfterDays\":30}");
        for (String name : List.of(UNICODE_VA, UNICODE_VA_2, RENAME_PROBE)) {
            Response created = sat.post(VAS, admin, "{\"name\":\"" + name + "\"}");
            assertEquals(201, created.status(), created.toString());
        }

        Set<String> labTags = new HashSet<>();
        sat.get(LAB + "/licenses", admin).json().get("licenses").forEach(l -> labTags.add(l.get("entitlementTag").asText()));
        for (JsonNode l : sat.get(DEFAULT + "/licenses", admin).json().get("licenses")) {
            String t = l.get("entitlementTag").asText();
            if (labTags.contains(t) && tag == null && l.get("balance").asLong() > 2) {
                tag = t;
            } else if (!labTags.contains(t) && tagDefaultOnly == null) {
                tagDefaultOnly = t;
            }
        }
        assertTrue(tag != null && tagDefaultOnly != null, "the seed must give Default a shared and an own tag");
        Response reserved = sat.post(DEFAULT + "/reserve-licenses", admin, "{\"reservationRequests\":[{\"reservationCode\":\""
                + RequestCode.newFor("C9300-24UX", "BADINPUT1").text() + "\",\"licenses\":[{\"entitlementTag\":\""
                + tag + "\",\"quantity\":1}]}]}");
        assertEquals(200, reserved.status(), reserved.toString());
        reservedPiid = reserved.json().get("authorizationCodes").get(0).get("productInstanceIdentifier").asText();
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }

    // ---------------------------------------------------------------- the routes that take a body

    /** A route with a body that would succeed, so a lenient parser would show up as changed state. */
    record Route(String name, String method, String path, String validBody) {}

    static List<Route> jsonRoutes() {
        return List.of(
                new Route("create VA", "POST", VAS, "{\"name\":\"Lenient Parser VA\",\"description\":\"x\"}"),
                new Route("update VA", "PATCH", LAB, "{\"description\":\"changed by a lenient parser\"}"),
                new Route("create token", "POST", DEFAULT + "/tokens",
                        "{\"description\":\"lenient\",\"expiresAfterDays\":30,\"exportControlled\":\"Allowed\",\"maxUses\":null}"),
                new Route("transfer", "POST", DEFAULT + "/licenses/transfer",
                        "{\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":1,\"targetVirtualAccount\":\"Lab\"}]}"),
                new Route("reserve", "POST", DEFAULT + "/reserve-licenses", "{\"reservationRequests\":[{\"reservationCode\":\""
                        + RequestCode.newFor("C9300-24UX", "LENIENT1").text() + "\",\"reservationType\":\"SPECIFIC\","
                        + "\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":1}]}]}"),
                new Route("update reservation", "POST", DEFAULT + "/devices/{reservedPiid}/reservation",
                        "{\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":2}]}"),
                new Route("confirm reservation", "POST", DEFAULT + "/devices/{reservedPiid}/reservation/confirm",
                        "{\"confirmationCode\":\"00000000\"}"),
                new Route("return reservation", "POST", DEFAULT + "/devices/{reservedPiid}/remove",
                        "{\"returnCode\":\"000000-000000-000000-000000-000000-000000-000000-000000-000000-000\"}"),
                new Route("search", "POST", SEARCH, "{\"virtualAccounts\":[\"Default\"],\"limit\":10,\"offset\":0}"),
                new Route("create client", "POST", CLIENTS, "{\"name\":\"lenient client\",\"role\":\"viewer\"}"),
                new Route("set clock", "PUT", CLOCK, "{\"advance\":\"PT1H\"}"),
                new Route("oauth token (JSON)", "POST", OAUTH,
                        "{\"grant_type\":\"client_credentials\",\"client_id\":\"{adminId}\",\"client_secret\":\"{adminSecret}\"}"));
    }

    // ---------------------------------------------------------------- one bad request

    /** A bad request and what it must answer; {@code field} is the key "errors" must hold, or null. */
    record Case(String label, String method, String path, String contentType, String body, byte[] raw,
                int status, String field, String auth) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Case bad(int status, String field, String method, String path, String body) {
        return new Case(label(method, path, JSON, body, status, field), method, path, JSON, body, null, status, field, "admin");
    }

    static Case typed(int status, String field, String method, String path, String contentType, String body) {
        return new Case(label(method, path, contentType, body, status, field), method, path, contentType, body, null,
                status, field, "admin");
    }

    static Case as(String auth, int status, String method, String path, String body) {
        return new Case(label(method, path, JSON, body, status, null) + " as " + auth, method, path, JSON, body, null,
                status, null, auth);
    }

    static Case raw(String what, int status, String method, String path, byte[] raw) {
        return new Case(method + " " + shortPath(path) + " " + what + " -> " + status, method, path, JSON, null, raw,
                status, null, "admin");
    }

    static String label(String method, String path, String contentType, String body, int status, String field) {
        String b = body == null ? "(no body)" : body.length() > 70 ? body.substring(0, 70) + "…(" + body.length() + ")" : body;
        return method + " " + shortPath(path) + (JSON.equals(contentType) ? "" : " [" + contentType + "]") + " " + b
                + " -> " + status + (field == null ? "" : " " + field);
    }

    static String shortPath(String path) {
        return path.replace(ACCOUNT, "{acct}").replace(API, "");
    }

    // ---------------------------------------------------------------- the cases

    static Stream<Case> malformedJson() {
        List<Case> out = new ArrayList<>();
        for (Route r : jsonRoutes()) {
            String v = r.validBody();
            for (String body : List.of(
                    v.substring(0, v.length() - 1),              // truncated
                    v.substring(0, v.length() / 2),              // cut in the middle
                    "{\"a\":}",
                    "hello, this is not JSON",
                    "",
                    "   \n ",
                    "[" + v + "]",                               // an array, not an object
                    "[]",
                    "null",
                    "42",
                    "\"a string\"",
                    "true",
                    v + " }",                                    // trailing garbage
                    v + v,                                       // two objects
                    "{'name':'single quotes'}",
                    "{\"a\":1,}",
                    "{\"a\":NaN}",
                    "{\"a\":1} // comment",
                    "{\"a\":".repeat(5000) + "1" + "}".repeat(5000),   // nested deeper than any parser limit
                    "[".repeat(100_000),
                    "{\"a\":" + "1".repeat(3000) + "}")) {          // a number longer than the parser takes
                out.add(bad(400, null, r.method(), r.path(), body));
            }
            byte[] badUtf8 = "{\"name\":\"xx\"}".getBytes(StandardCharsets.ISO_8859_1);
            badUtf8[9] = (byte) 0xC3;   // a UTF-8 lead byte
            badUtf8[10] = (byte) 0x28;  // followed by no continuation byte
            out.add(raw("invalid UTF-8", 400, r.method(), r.path(), badUtf8));
        }
        return out.stream();
    }

    static Stream<Case> wrongMediaType() {
        List<Case> out = new ArrayList<>();
        for (Route r : jsonRoutes()) {
            for (String type : List.of("text/plain", "text/plain; charset=utf-8", "application/xml", "multipart/form-data; boundary=x")) {
                out.add(typed(415, null, r.method(), r.path(), type, r.validBody()));
            }
            if (!r.path().equals(OAUTH)) {
                out.add(typed(415, null, r.method(), r.path(), FORM, "name=x&role=viewer"));
            }
        }
        return out.stream();
    }

    static Stream<Case> wrongTypes() {
        String tokens = DEFAULT + "/tokens";
        String transfer = DEFAULT + "/licenses/transfer";
        return Stream.of(
                // POST virtual-accounts {name, description}
                bad(400, "name", "POST", VAS, "{\"name\":5}"),
                bad(400, "name", "POST", VAS, "{\"name\":{\"first\":\"x\"}}"),
                bad(400, "name", "POST", VAS, "{\"name\":[\"x\"]}"),
                bad(400, "name", "POST", VAS, "{\"name\":true}"),
                bad(400, "name", "POST", VAS, "{\"description\":\"no name\"}"),
                bad(400, "name", "POST", VAS, "{\"name\":null}"),
                bad(400, "description", "POST", VAS, "{\"name\":\"Typed Desc\",\"description\":5}"),
                bad(400, "description", "POST", VAS, "{\"name\":\"Typed Desc\",\"description\":{}}"),
                // PATCH virtual-accounts/{va} {name?, description?}
                bad(400, "name", "PATCH", LAB, "{\"name\":5}"),
                bad(400, "name", "PATCH", LAB, "{\"name\":{}}"),
                bad(400, "description", "PATCH", LAB, "{\"description\":true}"),
                bad(400, "description", "PATCH", LAB, "{\"description\":[]}"),
                bad(400, null, "PATCH", LAB, "{}"),
                bad(400, null, "PATCH", LAB, "{\"name\":null}"),
                // POST tokens
                bad(400, "description", "POST", tokens, "{\"description\":5}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"abc\"}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"\"}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"30 days\"}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"1.5\"}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":{\"days\":30}}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":[30]}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":1.5}"),
                bad(400, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":true}"),
                bad(400, "exportControlled", "POST", tokens, "{\"exportControlled\":true}"),
                bad(400, "exportControlled", "POST", tokens, "{\"exportControlled\":1}"),
                bad(400, "maxUses", "POST", tokens, "{\"maxUses\":\"many\"}"),
                bad(400, "maxUses", "POST", tokens, "{\"maxUses\":2.5}"),
                bad(400, "maxUses", "POST", tokens, "{\"maxUses\":{}}"),
                // POST transfer
                bad(400, "licenses", "POST", transfer, "{}"),
                bad(400, "licenses", "POST", transfer, "{\"licenses\":null}"),
                bad(400, "licenses", "POST", transfer, "{\"licenses\":\"all\"}"),
                bad(400, "licenses", "POST", transfer, "{\"licenses\":{\"entitlementTag\":\"{tag}\"}}"),
                bad(400, "licenses[0]", "POST", transfer, "{\"licenses\":[5]}"),
                bad(400, "licenses[1]", "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Lab") + ",\"x\"]}"),
                bad(400, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "1.5", "Lab") + "]}"),
                bad(400, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "\"abc\"", "Lab") + "]}"),
                bad(400, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "{}", "Lab") + "]}"),
                bad(400, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "true", "Lab") + "]}"),
                bad(400, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "null", "Lab") + "]}"),
                bad(400, "licenses[1].quantity", "POST", transfer,
                        "{\"licenses\":[" + line("{tag}", "1", "Lab") + "," + line("{tag}", "0.5", "Lab") + "]}"),
                bad(400, "licenses[0].entitlementTag", "POST", transfer, "{\"licenses\":[{\"entitlementTag\":5,\"quantity\":1,\"targetVirtualAccount\":\"Lab\"}]}"),
                bad(400, "licenses[0].entitlementTag", "POST", transfer, "{\"licenses\":[{\"quantity\":1,\"targetVirtualAccount\":\"Lab\"}]}"),
                bad(400, "licenses[0].targetVirtualAccount", "POST", transfer, "{\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":1,\"targetVirtualAccount\":[\"Lab\"]}]}"),
                bad(400, "licenses[0].targetVirtualAccount", "POST", transfer, "{\"licenses\":[{\"entitlementTag\":\"{tag}\",\"quantity\":1}]}"),
                // POST /accounts/{account}/licenses (search)
                bad(400, "virtualAccounts", "POST", SEARCH, "{\"virtualAccounts\":\"Default\"}"),
                bad(400, "virtualAccounts[0]", "POST", SEARCH, "{\"virtualAccounts\":[5]}"),
                bad(400, "virtualAccounts[1]", "POST", SEARCH, "{\"virtualAccounts\":[\"Default\",{}]}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":\"abc\"}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":1.5}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":{}}"),
                bad(400, "offset", "POST", SEARCH, "{\"offset\":\"first\"}"),
                bad(400, "offset", "POST", SEARCH, "{\"offset\":true}"),
                // POST /clients {name, role}
                bad(400, "name", "POST", CLIENTS, "{\"name\":5,\"role\":\"viewer\"}"),
                bad(400, "name", "POST", CLIENTS, "{\"role\":\"viewer\"}"),
                bad(400, "role", "POST", CLIENTS, "{\"name\":\"x\",\"role\":1}"),
                bad(400, "role", "POST", CLIENTS, "{\"name\":\"x\",\"role\":[\"admin\"]}"),
                bad(400, "role", "POST", CLIENTS, "{\"name\":\"x\"}"),
                // PUT /sim/clock {now | advance}
                bad(400, "now", "PUT", CLOCK, "{\"now\":1700000000}"),
                bad(400, "now", "PUT", CLOCK, "{\"now\":{}}"),
                bad(400, "advance", "PUT", CLOCK, "{\"advance\":31}"),
                bad(400, "advance", "PUT", CLOCK, "{\"advance\":true}"),
                bad(400, null, "PUT", CLOCK, "{}"),
                bad(400, null, "PUT", CLOCK, "{\"now\":null,\"advance\":null}"),
                bad(400, null, "PUT", CLOCK, "{\"now\":\"2030-01-01T00:00:00Z\",\"advance\":\"P1D\"}"),
                // POST /backend/oauth/token, JSON
                bad(400, "grant_type", "POST", OAUTH, "{\"grant_type\":5,\"client_id\":\"{adminId}\",\"client_secret\":\"{adminSecret}\"}"),
                bad(400, "client_id", "POST", OAUTH, "{\"grant_type\":\"client_credentials\",\"client_id\":5,\"client_secret\":\"{adminSecret}\"}"),
                bad(400, "client_secret", "POST", OAUTH, "{\"grant_type\":\"client_credentials\",\"client_id\":\"{adminId}\",\"client_secret\":{}}"));
    }

    static Stream<Case> outOfRange() {
        String tokens = DEFAULT + "/tokens";
        String transfer = DEFAULT + "/licenses/transfer";
        return Stream.of(
                // virtual account names and descriptions
                bad(422, "name", "POST", VAS, "{\"name\":\"\"}"),
                bad(422, "name", "POST", VAS, "{\"name\":\"   \"}"),
                bad(422, "name", "POST", VAS, "{\"name\":\"a/b\"}"),
                bad(422, "name", "POST", VAS, "{\"name\":\"tab\\there\"}"),
                bad(422, "name", "POST", VAS, "{\"name\":\"" + "n".repeat(101) + "\"}"),
                bad(422, "description", "POST", VAS, "{\"name\":\"Long Desc\",\"description\":\"" + "d".repeat(1001) + "\"}"),
                bad(422, "name", "PATCH", LAB, "{\"name\":\"\"}"),
                bad(422, "name", "PATCH", LAB, "{\"name\":\"x/y\"}"),
                bad(422, "name", "PATCH", LAB, "{\"name\":\"" + "n".repeat(101) + "\"}"),
                bad(422, "description", "PATCH", LAB, "{\"description\":\"" + "d".repeat(1001) + "\"}"),
                // tokens
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":0}"),
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":366}"),
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"0\"}"),
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"366\"}"),
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":-1}"),
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":4294967297}"),
                bad(422, "expiresAfterDays", "POST", tokens, "{\"expiresAfterDays\":\"999999999999\"}"),
                bad(422, "maxUses", "POST", tokens, "{\"maxUses\":0}"),
                bad(422, "maxUses", "POST", tokens, "{\"maxUses\":\"0\"}"),
                bad(422, "maxUses", "POST", tokens, "{\"maxUses\":-3}"),
                bad(422, "maxUses", "POST", tokens, "{\"maxUses\":1000000000001}"),
                bad(422, "exportControlled", "POST", tokens, "{\"exportControlled\":\"Maybe\"}"),
                bad(422, "exportControlled", "POST", tokens, "{\"exportControlled\":\"allowed\"}"),
                bad(422, "exportControlled", "POST", tokens, "{\"exportControlled\":\"\"}"),
                bad(422, "description", "POST", tokens, "{\"description\":\"" + "d".repeat(1001) + "\"}"),
                // transfer
                bad(422, "licenses", "POST", transfer, "{\"licenses\":[]}"),
                bad(422, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "0", "Lab") + "]}"),
                bad(422, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "-5", "Lab") + "]}"),
                bad(422, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "\"-1\"", "Lab") + "]}"),
                bad(422, "licenses[0].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "-9223372036854775808", "Lab") + "]}"),
                bad(422, "licenses[0].targetVirtualAccount", "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Default") + "]}"),
                bad(422, "licenses[0].targetVirtualAccount", "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "default") + "]}"),
                // search paging
                bad(400, "limit", "POST", SEARCH, "{\"limit\":0}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":1001}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":\"1001\"}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":-1}"),
                bad(400, "offset", "POST", SEARCH, "{\"offset\":-1}"),
                bad(400, "offset", "POST", SEARCH, "{\"offset\":99999999999}"),
                // paging of the GET lists
                bad(400, "limit", "GET", DEFAULT + "/tokens?limit=0", null),
                bad(400, "limit", "GET", CLIENTS + "?limit=1001", null),
                bad(400, "limit", "GET", ACCOUNT + "/events?limit=abc", null),
                bad(400, "offset", "GET", VAS + "?offset=-1", null),
                // clients
                bad(422, "role", "POST", CLIENTS, "{\"name\":\"x\",\"role\":\"root\"}"),
                bad(422, "role", "POST", CLIENTS, "{\"name\":\"x\",\"role\":\"\"}"),
                bad(422, "name", "POST", CLIENTS, "{\"name\":\"  \",\"role\":\"viewer\"}"),
                bad(422, "name", "POST", CLIENTS, "{\"name\":\"" + "c".repeat(201) + "\",\"role\":\"viewer\"}"),
                // clock
                bad(422, "now", "PUT", CLOCK, "{\"now\":\"yesterday\"}"),
                bad(422, "now", "PUT", CLOCK, "{\"now\":\"2030-01-01\"}"),
                bad(422, "now", "PUT", CLOCK, "{\"now\":\"\"}"),
                bad(422, "advance", "PUT", CLOCK, "{\"advance\":\"31 days\"}"),
                bad(422, "advance", "PUT", CLOCK, "{\"advance\":\"P1M\"}"),
                bad(422, "advance", "PUT", CLOCK, "{\"advance\":\"\"}"),
                // oauth (JSON and form): a grant other than client_credentials is a 400 naming grant_type
                bad(400, "grant_type", "POST", OAUTH, "{\"grant_type\":\"password\",\"client_id\":\"{adminId}\",\"client_secret\":\"{adminSecret}\"}"),
                bad(400, "grant_type", "POST", OAUTH, "{\"client_id\":\"{adminId}\",\"client_secret\":\"{adminSecret}\"}"),
                typed(400, "grant_type", "POST", OAUTH, FORM, "grant_type=password&client_id={adminId}&client_secret={adminSecret}"),
                typed(400, "grant_type", "POST", OAUTH, FORM, "client_id={adminId}&client_secret={adminSecret}"),
                typed(400, "grant_type", "POST", OAUTH, FORM, ""),
                typed(400, null, "POST", OAUTH, FORM, "grant_type=client_credentials&client_id=%zz&client_secret=x"),
                // wrong or missing credentials: 401
                bad(401, null, "POST", OAUTH, "{\"grant_type\":\"client_credentials\",\"client_id\":\"{adminId}\",\"client_secret\":\"wrong\"}"),
                bad(401, null, "POST", OAUTH, "{\"grant_type\":\"client_credentials\",\"client_id\":\"nobody\",\"client_secret\":\"{adminSecret}\"}"),
                bad(401, null, "POST", OAUTH, "{\"grant_type\":\"client_credentials\",\"client_id\":\"{adminId}\"}"),
                typed(401, null, "POST", OAUTH, FORM, "grant_type=client_credentials&client_id={adminId}&client_secret=wrong"),
                typed(401, null, "POST", OAUTH, FORM, "grant_type=client_credentials&client_id={adminId}&client_secret="),
                typed(401, null, "POST", OAUTH, FORM, "grant_type=client_credentials"));
    }

    static Stream<Case> notFoundAndConflicts() {
        String nope = VAS + "/Nope";
        String noAccount = API + "/accounts/No%20Such%20Corp";
        String transfer = DEFAULT + "/licenses/transfer";
        String unicodeLower = "\u00fcber lab";
        return Stream.of(
                // unknown account / VA / token / client
                bad(404, null, "POST", noAccount + "/virtual-accounts", "{\"name\":\"Orphan\"}"),
                bad(404, null, "PATCH", nope, "{\"description\":\"x\"}"),
                bad(404, null, "PATCH", noAccount + "/virtual-accounts/Default", "{\"description\":\"x\"}"),
                bad(404, null, "DELETE", nope, null),
                bad(404, null, "DELETE", noAccount + "/virtual-accounts/Default", null),
                bad(404, null, "POST", nope + "/tokens", "{\"description\":\"x\",\"expiresAfterDays\":30}"),
                bad(404, null, "POST", noAccount + "/virtual-accounts/Default/tokens", "{\"expiresAfterDays\":30}"),
                bad(404, null, "POST", DEFAULT + "/tokens/no-such-token/revoke", null),
                bad(404, null, "POST", DEFAULT + "/tokens/no-such-token/revoke", "{}"),
                bad(404, null, "POST", LAB + "/tokens/{token}/revoke", null),          // a token of another VA
                bad(404, null, "POST", nope + "/tokens/{token}/revoke", null),
                bad(404, null, "DELETE", DEFAULT + "/tokens/no-such-token", null),
                bad(404, null, "DELETE", LAB + "/tokens/{token}", null),
                bad(404, null, "POST", nope + "/licenses/transfer", "{\"licenses\":[" + line("{tag}", "1", "Lab") + "]}"),
                bad(404, null, "POST", noAccount + "/virtual-accounts/Default/licenses/transfer",
                        "{\"licenses\":[" + line("{tag}", "1", "Lab") + "]}"),
                bad(404, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Nope") + "]}"),
                bad(404, null, "POST", transfer, "{\"licenses\":[" + line("regid.2099-01.com.cisco.NOPE,1.0_00000000-0000-0000-0000-000000000000", "1", "Lab") + "]}"),
                bad(404, null, "POST", LAB + "/licenses/transfer", "{\"licenses\":[" + line("{tagDefaultOnly}", "1", "Default") + "]}"),
                bad(404, null, "POST", noAccount + "/licenses", "{}"),
                bad(404, null, "POST", SEARCH, "{\"virtualAccounts\":[\"Default\",\"Nope\"]}"),
                bad(404, null, "DELETE", CLIENTS + "/no-such-client", null),
                bad(404, null, "GET", nope, null),
                // duplicate names, also differing only in case or surrounding space
                bad(409, "name", "POST", VAS, "{\"name\":\"Lab\"}"),
                bad(409, "name", "POST", VAS, "{\"name\":\"lab\"}"),
                bad(409, "name", "POST", VAS, "{\"name\":\"LAB\",\"description\":\"dup\"}"),
                bad(409, "name", "POST", VAS, "{\"name\":\"  Default \"}"),
                bad(409, "name", "POST", VAS, "{\"name\":\"" + UNICODE_VA + "\"}"),
                bad(409, "name", "POST", VAS, "{\"name\":\"" + unicodeLower + "\"}"),
                bad(409, "name", "POST", VAS, "{\"name\":\"" + UNICODE_VA.toUpperCase(java.util.Locale.ROOT) + "\"}"),
                // rename onto an existing name
                bad(409, "name", "PATCH", LAB, "{\"name\":\"Default\"}"),
                bad(409, "name", "PATCH", LAB, "{\"name\":\"DEFAULT\",\"description\":\"renamed\"}"),
                bad(409, "name", "PATCH", DEFAULT, "{\"name\":\" lab \"}"),
                bad(409, "name", "PATCH", VAS + "/Rename%20Probe", "{\"name\":\"\u00e4rzte lab\"}"),
                // satellite virtual accounts cannot be deleted
                bad(409, null, "DELETE", DEFAULT, null),
                bad(409, null, "DELETE", LAB, null),
                bad(409, null, "DELETE", VAS + "/default", null),
                // the last admin client cannot be removed
                bad(409, null, "DELETE", CLIENTS + "/{adminId}", null),
                // a satellite sells no licenses
                bad(409, null, "POST", DEFAULT + "/licenses",
                        "{\"entitlementTag\":\"{tag}\",\"displayName\":\"x\",\"quantity\":5,\"licenseType\":\"PERPETUAL\",\"endDate\":null}"),
                // more than the unused quantity
                bad(409, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "{bal+1}", "Lab") + "]}"),
                bad(409, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "\"{bal+1}\"", "Lab") + "]}"),
                bad(409, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "9223372036854775807", "Lab") + "]}"),
                bad(409, null, "POST", LAB + "/licenses/transfer", "{\"licenses\":[" + line("{tag}", "{labBal+1}", "Default") + "]}"),
                // atomicity: the first line is fine, the second is not; neither may move anything
                bad(409, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Lab") + ","
                        + line("{tag}", "{bal+1}", "Lab") + "]}"),
                bad(409, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "{bal}", "Lab") + ","
                        + line("{tag}", "1", "Lab") + "]}"),
                bad(409, null, "POST", transfer, "{\"licenses\":[" + line("{tagDefaultOnly}", "1", "Lab") + ","
                        + line("{tag}", "{bal+1}", "Lab") + "]}"),
                bad(404, null, "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Lab") + ","
                        + line("{tag}", "1", "No Such VA") + "]}"),
                bad(404, null, "POST", transfer, "{\"licenses\":[" + line("{tagDefaultOnly}", "1", "Lab") + ","
                        + line("regid.2099-01.com.cisco.NOPE,1.0_00000000-0000-0000-0000-000000000000", "1", "Lab") + "]}"),
                bad(422, "licenses[1].targetVirtualAccount", "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Lab") + ","
                        + line("{tag}", "1", "Default") + "]}"),
                bad(422, "licenses[1].quantity", "POST", transfer, "{\"licenses\":[" + line("{tag}", "1", "Lab") + ","
                        + line("{tag}", "0", "Lab") + "]}"),
                // who may do what: no token, a bad token, a role that may not
                as("none", 401, "POST", VAS, "{\"name\":\"Anonymous VA\"}"),
                as("bogus", 401, "POST", VAS, "{\"name\":\"Anonymous VA\"}"),
                as("viewer", 403, "POST", VAS, "{\"name\":\"Viewer VA\"}"),
                as("viewer", 403, "POST", DEFAULT + "/licenses/transfer", "{\"licenses\":[" + line("{tag}", "1", "Lab") + "]}"),
                as("operator", 403, "POST", CLIENTS, "{\"name\":\"op-made\",\"role\":\"admin\"}"),
                as("operator", 403, "PUT", CLOCK, "{\"advance\":\"P1D\"}"));
    }

    static String line(String tag, String quantity, String target) {
        return "{\"entitlementTag\":\"" + tag + "\",\"quantity\":" + quantity + ",\"targetVirtualAccount\":\"" + target + "\"}";
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformedJson")
    void malformedJsonIsA400(Case c) {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("wrongMediaType")
    void aNonJsonContentTypeIsA415(Case c) {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("wrongTypes")
    void aValueOfTheWrongTypeIsA400NamingTheField(Case c) {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("outOfRange")
    void aValueOutOfRangeIsRejectedNamingTheField(Case c) {
        check(c);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("notFoundAndConflicts")
    void unknownThingsAndConflictsAreRejected(Case c) {
        check(c);
    }

    /**
     * A whole number too large for any numeric type is the right type and out of range: SPEC §4
     * makes that a 422; a 400 naming the field is tolerated here, a 500 or an unnamed field is not.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hugeNumbers")
    void hugeWholeNumbersAreRejectedNamingTheField(Case c) {
        Map<String, String> before = snapshot();
        Response r = sendCase(c);
        assertTrue(r.status() == 400 || r.status() == 422, c + " answered " + r);
        assertErrorBody(c.toString(), r, r.status(), c.field());
        assertEquals(before, snapshot(), c + ": stored state changed");
    }

    static Stream<Case> hugeNumbers() {
        return Stream.of(
                bad(422, "expiresAfterDays", "POST", DEFAULT + "/tokens", "{\"expiresAfterDays\":99999999999999999999}"),
                bad(422, "expiresAfterDays", "POST", DEFAULT + "/tokens", "{\"expiresAfterDays\":\"99999999999999999999\"}"),
                bad(422, "maxUses", "POST", DEFAULT + "/tokens", "{\"maxUses\":99999999999999999999}"),
                bad(422, "licenses[0].quantity", "POST", DEFAULT + "/licenses/transfer",
                        "{\"licenses\":[" + line("{tag}", "99999999999999999999", "Lab") + "]}"),
                bad(400, "limit", "POST", SEARCH, "{\"limit\":99999999999999999999}"));
    }

    // ---------------------------------------------------------------- bodies over 1 MiB

    static Stream<Object[]> oversizedRoutes() {
        List<Object[]> out = new ArrayList<>();
        for (Route r : jsonRoutes()) {
            for (boolean chunked : new boolean[] {false, true}) {
                out.add(new Object[] {r.name() + (chunked ? " chunked" : " with Content-Length"), r.method(), r.path(), JSON, chunked});
            }
        }
        out.add(new Object[] {"oauth token (form) with Content-Length", "POST", OAUTH, FORM, false});
        out.add(new Object[] {"oauth token (form) chunked", "POST", OAUTH, FORM, true});
        // routes that need no body still refuse a declared oversized one
        out.add(new Object[] {"revoke with Content-Length", "POST", DEFAULT + "/tokens/{token}/revoke", JSON, false});
        out.add(new Object[] {"purchase with Content-Length", "POST", DEFAULT + "/licenses", JSON, false});
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("oversizedRoutes")
    void aBodyOverOneMebibyteIsA413(String label, String method, String path, String contentType, boolean chunked) {
        byte[] body = FORM.equals(contentType)
                ? ("grant_type=client_credentials&client_id=" + "x".repeat(MAX_BODY + MAX_BODY / 2)).getBytes(StandardCharsets.UTF_8)
                : jsonOfSize(MAX_BODY + MAX_BODY / 2);
        Map<String, String> before = snapshot();
        Response r = sendBytes(label, method, path, contentType, body, chunked, admin);
        assertErrorBody(label, r, 413, null);
        assertEquals(before, snapshot(), label + ": stored state changed");
        // the server keeps serving afterwards
        assertEquals(200, sat.get(VAS, admin).status());
    }

    /** Exactly the limit is still read (and here refused for its too-long name); one byte more is a 413. */
    @ParameterizedTest(name = "[{index}] chunked={0}")
    @MethodSource("bothModes")
    void theLimitIsExactlyOneMebibyte(boolean chunked) {
        Map<String, String> before = snapshot();
        Response atLimit = sendBytes("at limit", "POST", VAS, JSON, jsonOfSize(MAX_BODY), chunked, admin);
        assertErrorBody("a body of exactly 1 MiB", atLimit, 422, "name");
        Response over = sendBytes("over limit", "POST", VAS, JSON, jsonOfSize(MAX_BODY + 1), chunked, admin);
        assertErrorBody("a body of 1 MiB + 1 byte", over, 413, null);
        assertEquals(before, snapshot(), "stored state changed");
    }

    static Stream<Boolean> bothModes() {
        return Stream.of(false, true);
    }

    /** {"name":"xxx…"} of exactly {@code size} bytes. */
    static byte[] jsonOfSize(int size) {
        String head = "{\"name\":\"";
        String tail = "\"}";
        byte[] out = (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
        assertEquals(size, out.length);
        return out;
    }

    // ---------------------------------------------------------------- the clock cannot be moved off the calendar

    /**
     * Moving the clock past what the server can represent must be refused like any other bad value,
     * not accepted and then break every later request. Each runs on its own satellite, since a
     * failure here could leave the server unusable.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("clockOffTheCalendar")
    void theClockCannotBeMovedBeyondWhatTheServerCanRepresent(String body, String field) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("clock-" + Math.abs(body.hashCode())));
        try (TestSatellite own = TestSatellite.start(dir)) {
            String t = own.adminToken();
            String offsetBefore = own.get(CLOCK, t).json().get("offset").asText();
            Response r = own.json("PUT", CLOCK, t, body);
            Response clock = own.get(CLOCK, t);
            Response after = own.post(VAS, t, "{\"name\":\"After Clock\"}");
            assertAll(
                    () -> assertErrorBody("PUT /sim/clock " + body, r, 422, field),
                    () -> assertEquals(offsetBefore, clock.json().path("offset").asText(), "the clock moved: " + clock),
                    () -> assertEquals(201, after.status(),
                            "the server must keep working after a refused clock move: " + after));
        }
    }

    static Stream<Object[]> clockOffTheCalendar() {
        return Stream.of(
                new Object[] {"{\"now\":\"+1000000000-01-01T00:00:00Z\"}", "now"},
                new Object[] {"{\"now\":\"-1000000000-01-01T00:00:00Z\"}", "now"},
                new Object[] {"{\"advance\":\"PT2562047788015215H\"}", "advance"},
                new Object[] {"{\"advance\":\"-PT2562047788015215H\"}", "advance"});
    }

    // ---------------------------------------------------------------- happy paths, once each

    @Test
    void createVirtualAccountAnswers201() {
        long events = accountEvents();
        Response r = sat.post(VAS, admin, "{\"name\":\"Happy Create\",\"description\":\"made by a test\"}");
        assertEquals(201, r.status(), r.toString());
        assertEquals("Happy Create", r.json().get("name").asText());
        assertEquals("made by a test", r.json().get("description").asText());
        assertFalse(r.json().get("default").asBoolean());
        assertEquals(200, sat.get(VAS + "/happy%20create", admin).status(), "names ignore case");
        assertEquals(events + 1, accountEvents());
    }

    @Test
    void patchRenamesAVirtualAccount() {
        assertEquals(201, sat.post(VAS, admin, "{\"name\":\"Happy Before\"}").status());
        Response r = sat.json("PATCH", VAS + "/Happy%20Before", admin, "{\"name\":\"Happy After\",\"description\":\"renamed\"}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("Happy After", r.json().get("name").asText());
        assertEquals("renamed", r.json().get("description").asText());
        assertEquals(404, sat.get(VAS + "/Happy%20Before", admin).status());
        assertEquals(200, sat.get(VAS + "/Happy%20After", admin).status());
    }

    @Test
    void createTokenTakesExpiresAfterDaysAsAString() {
        int count = sat.get(LAB + "/tokens?limit=1000", admin).json().get("tokens").size();
        Response r = sat.post(LAB + "/tokens", admin,
                "{\"description\":\"happy\",\"expiresAfterDays\":\"365\",\"exportControlled\":\"Not Allowed\",\"maxUses\":\"5\"}");
        assertEquals(201, r.status(), r.toString());
        JsonNode info = r.json().get("tokenInfo");
        assertEquals("happy", info.get("description").asText());
        assertEquals("Not Allowed", info.get("exportControlled").asText());
        assertEquals(5, info.get("maxUses").asLong());
        assertEquals(0, info.get("uses").asLong());
        assertEquals("ACTIVE", info.get("status").asText());
        Instant created = Instant.parse(info.get("createdAt").asText());
        Instant expires = Instant.parse(info.get("expirationDate").asText());
        assertEquals(Duration.ofDays(365), Duration.between(created, expires));
        assertEquals(count + 1, sat.get(LAB + "/tokens?limit=1000", admin).json().get("tokens").size());

        Response revoked = sat.post(LAB + "/tokens/" + info.get("token").asText() + "/revoke", admin, "");
        assertEquals(200, revoked.status(), revoked.toString());
        assertEquals("REVOKED", revoked.json().get("tokenInfo").get("status").asText());
    }

    @Test
    void transferMovesQuantityAndKeepsTheSum() {
        long defaultBefore = quantity(DEFAULT, tag);
        long labBefore = quantity(LAB, tag);
        long events = accountEvents();
        Response r = sat.post(DEFAULT + "/licenses/transfer", admin, "{\"licenses\":[" + line(tag, "\"2\"", "lab") + "]}");
        assertEquals(200, r.status(), r.toString());
        assertEquals(defaultBefore - 2, quantity(DEFAULT, tag));
        assertEquals(labBefore + 2, quantity(LAB, tag));
        assertEquals(defaultBefore + labBefore, quantity(DEFAULT, tag) + quantity(LAB, tag));
        assertEquals(events + 2, accountEvents(), "one LICENSES_TRANSFERRED per side");
        // and back, so the other cases see the seeded pools
        Response back = sat.post(LAB + "/licenses/transfer", admin, "{\"licenses\":[" + line(tag, "2", "Default") + "]}");
        assertEquals(200, back.status(), back.toString());
        assertEquals(defaultBefore, quantity(DEFAULT, tag));
    }

    @Test
    void searchClientsClockAndOauthWork() {
        Response search = sat.post(SEARCH, admin, "{\"virtualAccounts\":[\"Default\",\"lab\"],\"limit\":\"2\",\"offset\":0}");
        assertEquals(200, search.status(), search.toString());
        assertEquals(2, search.json().get("licenses").size());
        long expected = sat.get(DEFAULT + "/licenses", admin).json().get("licenses").size()
                + sat.get(LAB + "/licenses", admin).json().get("licenses").size();
        assertEquals(expected, search.json().get("totalRecords").asLong());

        Response client = sat.post(CLIENTS, admin, "{\"name\":\"happy viewer\",\"role\":\"viewer\"}");
        assertEquals(201, client.status(), client.toString());
        assertTrue(client.json().get("clientId").isTextual() && client.json().get("clientSecret").isTextual());

        Response oauth = sat.post(OAUTH, null, subst("{\"grant_type\":\"client_credentials\",\"client_id\":\"{adminId}\",\"client_secret\":\"{adminSecret}\"}"));
        assertEquals(200, oauth.status(), oauth.toString());
        assertEquals("Bearer", oauth.json().get("token_type").asText());

        String offset = sat.get(CLOCK, admin).json().get("offset").asText();
        Response clock = sat.json("PUT", CLOCK, admin, "{\"advance\":\"PT0S\"}");
        assertEquals(200, clock.status(), clock.toString());
        assertEquals(offset, clock.json().get("offset").asText());
    }

    // ---------------------------------------------------------------- machinery

    static void check(Case c) {
        Map<String, String> before = snapshot();
        Response r = sendCase(c);
        assertErrorBody(c.toString(), r, c.status(), c.field());
        assertEquals(before, snapshot(), c + ": stored state changed");
    }

    static Response sendCase(Case c) {
        String path = subst(c.path());
        String auth = switch (c.auth()) {
            case "admin" -> admin;
            case "viewer" -> viewer;
            case "operator" -> operator;
            case "bogus" -> "not-a-real-token";
            default -> null;
        };
        HttpRequest.BodyPublisher body;
        if (c.raw() != null) {
            body = HttpRequest.BodyPublishers.ofByteArray(c.raw());
        } else if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else {
            body = HttpRequest.BodyPublishers.ofString(subst(c.body()));
        }
        return sat.send(c.method(), path, auth, c.body() == null && c.raw() == null ? null : c.contentType(), body);
    }

    static Response sendBytes(String label, String method, String path, String contentType, byte[] body,
                              boolean chunked, String auth) {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        try {
            return sat.send(method, subst(path), auth, contentType, publisher);
        } catch (UncheckedIOException e) {
            fail(label + ": the client saw no answer (" + e.getCause() + "); the server must answer 413, not drop the connection", e);
            throw e;
        }
    }

    static void assertErrorBody(String label, Response r, int status, String field) {
        assertNotEquals(500, r.status(), label + " -> " + r);
        assertEquals(status, r.status(), label + " -> " + r);
        assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("json"),
                label + ": error answers are JSON, not " + r.headers().firstValue("Content-Type"));
        JsonNode json = r.json();
        assertEquals("ERROR", json.path("status").asText(), label + " -> " + r);
        assertTrue(json.path("message").isTextual() && !json.path("message").asText().isBlank(), label + ": no message: " + r);
        assertTrue(json.path("errors").isObject(), label + ": no errors object: " + r);
        if (field != null) {
            JsonNode messages = json.get("errors").get(field);
            assertTrue(messages != null && messages.isArray() && messages.size() > 0
                    && messages.get(0).isTextual(), label + ": errors must name " + field + ": " + r);
        }
    }

    /** Every piece of state a bad request could touch, as text to compare. */
    static Map<String, String> snapshot() {
        Map<String, String> s = new LinkedHashMap<>();
        for (String path : List.of(
                API + "/accounts",
                VAS + "?limit=1000",
                DEFAULT + "/tokens?limit=1000",
                LAB + "/tokens?limit=1000",
                DEFAULT + "/licenses",
                LAB + "/licenses",
                CLIENTS + "?limit=1000")) {
            s.put(path, getOk(path).toString());
        }
        s.put("clock offset", getOk(CLOCK).get("offset").asText());
        s.put("account events", getOk(ACCOUNT + "/events?limit=1").get("totalRecords").asText());
        s.put("all events", getOk(API + "/events?limit=1").get("totalRecords").asText());
        return s;
    }

    static JsonNode getOk(String path) {
        Response r = sat.get(path, admin);
        assertEquals(200, r.status(), "GET " + path + " -> " + r);
        return r.json();
    }

    static long accountEvents() {
        return getOk(ACCOUNT + "/events?limit=1").get("totalRecords").asLong();
    }

    static long quantity(String vaPath, String entitlementTag) {
        return pool(vaPath, entitlementTag).get("quantity").asLong();
    }

    static JsonNode pool(String vaPath, String entitlementTag) {
        for (JsonNode l : getOk(vaPath + "/licenses").get("licenses")) {
            if (l.get("entitlementTag").asText().equals(entitlementTag)) {
                return l;
            }
        }
        throw new AssertionError(vaPath + " holds no " + entitlementTag);
    }

    /** Fills in what is only known at run time. */
    static String subst(String text) {
        if (text == null) {
            return null;
        }
        String out = text.replace("{token}", token).replace("{reservedPiid}", reservedPiid)
                .replace("{tagDefaultOnly}", tagDefaultOnly)
                .replace("{tag}", tag)
                .replace("{adminId}", URLEncoder.encode(adminCredentials.get("client_id"), StandardCharsets.UTF_8))
                .replace("{adminSecret}", adminCredentials.get("client_secret"));
        if (out.contains("{bal}") || out.contains("{bal+1}")) {
            long balance = pool(DEFAULT, tag).get("balance").asLong();
            out = out.replace("{bal+1}", Long.toString(balance + 1)).replace("{bal}", Long.toString(balance));
        }
        if (out.contains("{labBal+1}")) {
            out = out.replace("{labBal+1}", Long.toString(pool(LAB, tag).get("balance").asLong() + 1));
        }
        return out;
    }
}
