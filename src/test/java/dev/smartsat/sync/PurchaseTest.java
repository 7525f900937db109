package dev.smartsat.sync;

import static dev.smartsat.sync.SyncPair.NEW_TAG;
import static dev.smartsat.sync.SyncPair.VAS;
import static dev.smartsat.sync.SyncPair.licenses;
import static dev.smartsat.sync.SyncPair.pools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.TestSatellite.Response;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Purchases on the upstream (SPEC §4, role cssm only): what is bought lands in the pool; bad input changes nothing. */
@OnEachDatabase
class PurchaseTest {
    @Parameter
    TestDatabase database;

    static final String DEFAULT = VAS + "/Default/licenses";

    @TempDir
    static Path root;
    /** This run's own dir: the class runs once on each database. */
    static Path dir;
    static TestSatellite upstream;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        dir = root.resolve(database.name());
        upstream = TestSatellite.start(dir, database, Map.of(), TestSatellite.flags("role", "cssm"));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aPurchaseAddsToThePoolOfItsTagAndAnswers201WithThePools() {
        long before = pools(upstream, "Lab").getOrDefault(NEW_TAG, 0L);
        Response first = upstream.post(VAS + "/Lab/licenses", upstream.adminToken(), body(NEW_TAG, "\"Sync test\"", "5",
                "\"PERPETUAL\"", "null"));
        assertEquals(201, first.status(), first.toString());
        assertEquals(before + 5, find(first.json().get("licenses"), NEW_TAG).get("quantity").asLong());
        Response operator = upstream.post(VAS + "/Lab/licenses", upstream.tokenForRole("operator"),
                body(NEW_TAG, "null", "\"3\"", "\"PERPETUAL\"", "null"));
        assertEquals(201, operator.status(), operator.toString());
        assertEquals(before + 8, pools(upstream, "Lab").get(NEW_TAG));
    }

    @Test
    void aCatalogKeyNamesItsTagAndATermPurchaseKeepsItsEndDate() {
        String rms = pools(upstream, "Default").keySet().stream().filter(t -> t.contains("EXPWY_RMS")).findFirst()
                .orElseThrow();
        long rmsBefore = pools(upstream, "Default").get(rms);
        Response byKey = upstream.post(DEFAULT, upstream.adminToken(), body("EXPWY_RMS", "null", "2", "\"PERPETUAL\"", "null"));
        assertEquals(201, byKey.status(), byKey.toString());
        assertEquals(rmsBefore + 2, pools(upstream, "Default").get(rms));

        String term = "regid.2024-02.com.cisco.TERM_TEST,1.0_0a0b0c0d-0e0f-4001-8002-000300040005";
        Response bought = upstream.post(DEFAULT, upstream.adminToken(), body(term, "\"Term\"", "4", "\"TERM\"", "\"2031-03-31\""));
        assertEquals(201, bought.status(), bought.toString());
        JsonNode pool = find(bought.json().get("licenses"), term);
        assertEquals("TERM", pool.get("licenseType").asText());
        assertEquals("2031-03-31", pool.get("endDate").asText());
        Map<String, String> before = licenses(upstream);
        Response mismatch = upstream.post(DEFAULT, upstream.adminToken(), body(term, "null", "1", "\"PERPETUAL\"", "null"));
        assertEquals(409, mismatch.status(), mismatch.toString());
        assertEquals(before, licenses(upstream));
    }

    static Stream<Arguments> badPurchases() {
        return Stream.of(
                Arguments.of(400, "entitlementTag", body(null, "null", "1", "\"PERPETUAL\"", "null")),
                Arguments.of(400, "quantity", body(NEW_TAG, "null", "\"many\"", "\"PERPETUAL\"", "null")),
                Arguments.of(400, "quantity", body(NEW_TAG, "null", "null", "\"PERPETUAL\"", "null")),
                Arguments.of(422, "quantity", body(NEW_TAG, "null", "0", "\"PERPETUAL\"", "null")),
                Arguments.of(422, "quantity", body(NEW_TAG, "null", "1000000001", "\"PERPETUAL\"", "null")),
                Arguments.of(422, "licenseType", body(NEW_TAG, "null", "1", "\"FOREVER\"", "null")),
                Arguments.of(422, "endDate", body(NEW_TAG, "null", "1", "\"TERM\"", "null")),
                Arguments.of(422, "endDate", body(NEW_TAG, "null", "1", "\"PERPETUAL\"", "\"2030-01-01\"")),
                Arguments.of(422, "endDate", body(NEW_TAG, "null", "1", "\"TERM\"", "\"2030-13-01\"")),
                Arguments.of(400, "endDate", body(NEW_TAG, "null", "1", "\"TERM\"", "20300101")),
                Arguments.of(422, "entitlementTag", body("not a tag", "null", "1", "\"PERPETUAL\"", "null")),
                Arguments.of(422, "displayName", body(NEW_TAG, "\"  \"", "1", "\"PERPETUAL\"", "null")),
                Arguments.of(400, null, "{\"entitlementTag\": oops"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("badPurchases")
    void aBadPurchaseIsRefusedNamingTheFieldAndChangesNothing(int status, String field, String body) {
        Map<String, String> before = licenses(upstream);
        Response r = upstream.post(DEFAULT, upstream.adminToken(), body);
        assertEquals(status, r.status(), r.toString());
        assertEquals("ERROR", r.json().get("status").asText());
        if (field != null) {
            assertTrue(r.json().get("errors").has(field), r.toString());
        }
        assertEquals(before, licenses(upstream));
    }

    @Test
    void unknownVirtualAccountsAndOtherFormatsAreRefused() {
        Map<String, String> before = licenses(upstream);
        assertEquals(404, upstream.post(VAS + "/Nowhere/licenses", upstream.adminToken(),
                body(NEW_TAG, "null", "1", "\"PERPETUAL\"", "null")).status());
        assertEquals(415, upstream.send("POST", DEFAULT, upstream.adminToken(), "text/plain",
                HttpRequest.BodyPublishers.ofString("buy")).status());
        assertEquals(403, upstream.post(DEFAULT, upstream.tokenForRole("viewer"),
                body(NEW_TAG, "null", "1", "\"PERPETUAL\"", "null")).status());
        assertEquals(before, licenses(upstream));
    }

    static String body(String tag, String displayName, String quantity, String licenseType, String endDate) {
        return "{\"entitlementTag\":" + (tag == null ? "null" : "\"" + tag + "\"") + ",\"displayName\":" + displayName
                + ",\"quantity\":" + quantity + ",\"licenseType\":" + licenseType + ",\"endDate\":" + endDate + "}";
    }

    static JsonNode find(JsonNode licenses, String tag) {
        for (JsonNode l : licenses) {
            if (l.get("entitlementTag").asText().equals(tag)) {
                return l;
            }
        }
        throw new AssertionError("no " + tag + " in " + licenses);
    }
}
