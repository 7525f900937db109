package dev.smartsat.transport;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static dev.smartsat.transport.TestDevice.DNA_ADVANTAGE;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.OnEachCryptoProviderAndDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.pki.CryptoProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * The compliance rules of SPEC §3 over real HTTPS: pools, overage served in order of first
 * authorization, unknown tags, lapses with the clock, and every way usage is released or moved.
 * After every step the pools' inUse must equal the sum of the live devices' latest counts.
 */
@OnEachCryptoProviderAndDatabase
class ComplianceTest {
    @Parameter(0)
    CryptoProvider provider;
    @Parameter(1)
    TestDatabase database;

    /** Lab holds 4 Network Advantage and 4 DNA Advantage (seed). */
    private static final String LAB = ACCOUNT_PATH + "/virtual-accounts/Lab";
    private static final String DEFAULT = ACCOUNT_PATH + "/virtual-accounts/Default";

    @TempDir
    Path dir;
    TestSatellite sat;
    String admin;
    String labToken;
    int serials;

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir, database);
        admin = sat.adminToken();
        labToken = sat.createToken("Lab", "{\"description\":\"compliance\"}");
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    TestDevice device() {
        TestDevice d = new TestDevice(sat, "C9300-48P", "CMP" + (++serials));
        TestDevice.Answer a = d.register(labToken);
        assertEquals("OK", a.status(), a.toString());
        return d;
    }

    @Test
    void withinThePoolEveryoneIsAuthorized() {
        TestDevice a = device();
        Instant before = sat.server().clock().instant();
        TestDevice.Answer answer = a.authorize(Map.of(NETWORK_ADVANTAGE, 3L, DNA_ADVANTAGE, 1L));
        Instant after = sat.server().clock().instant();
        assertEquals(200, answer.http());
        assertEquals("AUTHORIZED", answer.data().get("authorization_status").asText());
        for (JsonNode e : answer.data().get("entitlements")) {
            assertEquals("AUTHORIZED", e.get("status").asText());
        }
        assertBetween(before.plus(Duration.ofDays(30)), after.plus(Duration.ofDays(30)),
                Instant.parse(answer.data().get("next_communication_attempt").asText()));
        assertBetween(before.plus(Duration.ofDays(90)), after.plus(Duration.ofDays(90)),
                Instant.parse(answer.data().get("communication_deadline").asText()));
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, 1, "In Compliance");
        assertConsistent();
        assertEquals("AUTHORIZED", device(LAB, a.piid).get("authorizationStatus").asText());
    }

    @Test
    void overageIsServedInOrderOfFirstAuthorization() {
        TestDevice first = device();
        TestDevice second = device();
        TestDevice third = device();
        assertEquals("AUTHORIZED", status(first.authorize(Map.of(NETWORK_ADVANTAGE, 3L))));
        assertEquals("OUT_OF_COMPLIANCE", status(second.authorize(Map.of(NETWORK_ADVANTAGE, 2L))));
        assertEquals("OUT_OF_COMPLIANCE", status(third.authorize(Map.of(NETWORK_ADVANTAGE, 1L))),
                "demand is served in order, 3 + 2 + 1: everyone from the first that passes the supply of 4 is out");
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 6, -2, "Out of Compliance");
        // the first keeps its licenses however often the others ask
        assertEquals("OUT_OF_COMPLIANCE", status(second.authorize(Map.of(NETWORK_ADVANTAGE, 2L))));
        assertEquals("AUTHORIZED", status(first.authorize(Map.of(NETWORK_ADVANTAGE, 3L))));
        assertConsistent();

        assertEquals("OK", first.deregister().status());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, 1, "In Compliance");
        assertEquals("AUTHORIZED", status(second.authorize(Map.of(NETWORK_ADVANTAGE, 2L))));
        assertConsistent();
        JsonNode changes = sat.get(ACCOUNT_PATH + "/events?type=INSTANCE_AUTHORIZATION_CHANGED&limit=100", admin).json();
        // first: none->AUTHORIZED; second: none->OOC, OOC->AUTHORIZED; third: none->OOC
        assertEquals(4, changes.get("totalRecords").asInt(), changes.toString());
        // each event names the instance's virtual account, which its INSERT reads along with the smart account
        changes.get("events").forEach(e -> assertEquals("Lab", e.get("virtualAccount").asText(), e.toString()));
    }

    @Test
    void unknownTagsAndUsageWithoutAPool() {
        TestDevice a = device();
        String unknown = "regid.2099-01.com.cisco.NOT_A_PRODUCT,1.0_00000000-0000-4000-8000-000000000000";
        String catalogNoPool = "regid.2016-07.com.cisco.EXPWY_DESKTOP,1.0_7d3c1e5b-9a2f-4b6d-8e1a-3f4c5d6e7a33";
        TestDevice.Answer answer = a.authorize(new LinkedHashMap<>(Map.of(unknown, 1L, NETWORK_ADVANTAGE, 1L)));
        assertEquals("OUT_OF_COMPLIANCE", status(answer));
        Map<String, String> statuses = new LinkedHashMap<>();
        answer.data().get("entitlements").forEach(e -> statuses.put(e.get("tag").asText(), e.get("status").asText()));
        assertEquals("INVALID_TAG", statuses.get(unknown));
        assertEquals("AUTHORIZED", statuses.get(NETWORK_ADVANTAGE));
        assertTrue(licenses(LAB).stream().noneMatch(l -> l.get("entitlementTag").asText().equals(unknown)),
                "an invalid tag takes nothing from any pool");

        // Lab holds no Desktop System pool, but the catalog knows the tag: all of it is overage.
        assertEquals("OUT_OF_COMPLIANCE", status(a.authorize(Map.of(catalogNoPool, 2L))));
        assertPool(LAB, catalogNoPool, 0, 2, -2, "Out of Compliance");
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 0, 4, "In Compliance");
        assertEquals("NO_LICENSES_IN_USE", status(a.authorize(Map.of())));
        assertTrue(licenses(LAB).stream().noneMatch(l -> l.get("entitlementTag").asText().equals(catalogNoPool)),
                "a tag without a pool is listed only while it is in use");
        assertConsistent();
    }

    @Test
    void authorizationLapsesAfter90DaysAndRegistrationAfter365() {
        TestDevice a = device();
        TestDevice b = device();
        a.authorize(Map.of(NETWORK_ADVANTAGE, 2L));
        b.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        advance("P89D");
        assertEquals("AUTHORIZED", status(b.authorize(Map.of(NETWORK_ADVANTAGE, 1L))));
        advance("P2D"); // a: 91 days since its last AUTH_REQUEST; b: 2 days
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 1, 3, "In Compliance");
        assertEquals("AUTHORIZATION_EXPIRED", device(LAB, a.piid).get("authorizationStatus").asText());
        assertEquals(1, sat.get(LAB + "/devices?status=AUTHORIZATION_EXPIRED", admin).json().get("totalRecords").asInt());
        assertConsistent();
        // a lapsed instance that asks again counts again
        assertEquals("AUTHORIZED", status(a.authorize(Map.of(NETWORK_ADVANTAGE, 2L))));
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, 1, "In Compliance");

        advance("P275D"); // 366 days after registration
        TestDevice.Answer expired = a.authorize(Map.of(NETWORK_ADVANTAGE, 2L));
        assertEquals(403, expired.http());
        assertEquals("REGISTRATION_EXPIRED", expired.code());
        assertEquals("REGISTRATION_EXPIRED", a.renewSameKey(null).code());
        assertEquals("REGISTRATION_EXPIRED", device(LAB, a.piid).get("registrationStatus").asText());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 0, 4, "In Compliance");
        assertConsistent();
        // and a new registration with overwrite=false is allowed for the lapsed UDI
        TestDevice again = new TestDevice(sat, a.pid, a.serial);
        assertEquals("OK", again.register(sat.createToken("Lab", "{}")).status());
    }

    @Test
    void renewalKeepsTheRegistrationAlive() {
        TestDevice a = device();
        a.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        advance("P300D");
        assertEquals("OK", a.renewWithNewKey().status());
        a.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        advance("P100D"); // 400 days after registration, 100 after renewal: registration alive, authorization lapsed
        JsonNode d = device(LAB, a.piid);
        assertEquals("REGISTERED", d.get("registrationStatus").asText());
        assertEquals("AUTHORIZATION_EXPIRED", d.get("authorizationStatus").asText());
        assertEquals("AUTHORIZED", status(a.authorize(Map.of(NETWORK_ADVANTAGE, 1L))));
        assertConsistent();
    }

    @Test
    void deregisterRemoveOverwriteAndTransferReleaseOrMoveUsage() {
        TestDevice dereg = device();
        TestDevice removed = device();
        TestDevice overwritten = device();
        TestDevice moved = device();
        dereg.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        removed.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        overwritten.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        moved.authorize(Map.of(NETWORK_ADVANTAGE, 1L, DNA_ADVANTAGE, 2L));
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 4, 0, "In Compliance");
        long defaultBefore = pool(DEFAULT, NETWORK_ADVANTAGE).get("inUse").asLong();

        TestDevice.Answer released = dereg.deregister();
        assertEquals(NETWORK_ADVANTAGE, released.data().get("released").get(0).get("tag").asText());
        assertEquals(1, released.data().get("released").get(0).get("count").asInt());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 3, 1, "In Compliance");
        assertEquals("INSTANCE_UNKNOWN", dereg.hello().code());

        assertEquals(204, sat.delete(LAB + "/devices/" + removed.piid, admin).status());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 2, 2, "In Compliance");
        TestDevice.Answer afterRemoval = removed.authorize(Map.of(NETWORK_ADVANTAGE, 1L));
        assertEquals(404, afterRemoval.http());
        assertEquals("INSTANCE_UNKNOWN", afterRemoval.code());

        String oldPiid = overwritten.piid;
        assertEquals("INSTANCE_EXISTS", overwritten.register(labToken, false).code());
        assertEquals("OK", overwritten.register(labToken, true).status());
        assertNotEquals(oldPiid, overwritten.piid);
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 1, 3, "In Compliance");
        JsonNode rereg = sat.get(ACCOUNT_PATH + "/events?type=INSTANCE_REREGISTERED", admin).json().get("events").get(0);
        assertEquals(overwritten.piid, rereg.get("productInstanceIdentifier").asText());
        assertTrue(rereg.get("message").asText().contains(oldPiid), rereg.toString());

        TestSatellite.Response transfer = sat.post(LAB + "/devices/" + moved.piid + "/transfer", admin,
                "{\"targetVirtualAccount\":\"Default\"}");
        assertEquals(200, transfer.status(), transfer.toString());
        assertEquals("Default", transfer.json().get("virtualAccount").asText());
        assertPool(LAB, NETWORK_ADVANTAGE, 4, 0, 4, "In Compliance");
        assertPool(LAB, DNA_ADVANTAGE, 4, 0, 4, "In Compliance");
        assertEquals(defaultBefore + 1, pool(DEFAULT, NETWORK_ADVANTAGE).get("inUse").asLong());
        assertEquals(2, pool(DEFAULT, DNA_ADVANTAGE).get("inUse").asLong());
        assertEquals(404, sat.get(LAB + "/devices/" + moved.piid, admin).status());
        assertEquals(200, sat.get(DEFAULT + "/devices/" + moved.piid, admin).status());
        assertEquals("OK", moved.hello().status(), "a moved instance keeps talking");
        assertConsistent();

        for (String type : List.of("INSTANCE_DEREGISTERED", "INSTANCE_REMOVED", "INSTANCE_REREGISTERED",
                "INSTANCE_TRANSFERRED", "INSTANCE_REGISTERED")) {
            int count = sat.get(ACCOUNT_PATH + "/events?type=" + type, admin).json().get("totalRecords").asInt();
            assertTrue(count > 0, type);
        }
    }

    static void assertBetween(Instant low, Instant high, Instant actual) {
        assertTrue(!actual.isBefore(low) && !actual.isAfter(high), actual + " not in [" + low + ", " + high + "]");
    }

    private void advance(String duration) {
        assertEquals(200, sat.json("PUT", "/backend/api/v1/sim/clock", admin, "{\"advance\":\"" + duration + "\"}").status());
    }

    private static String status(TestDevice.Answer a) {
        assertEquals("OK", a.status(), a.toString());
        return a.data().get("authorization_status").asText();
    }

    private List<JsonNode> licenses(String va) {
        List<JsonNode> out = new java.util.ArrayList<>();
        sat.get(va + "/licenses", admin).json().get("licenses").forEach(out::add);
        return out;
    }

    private JsonNode pool(String va, String tag) {
        return licenses(va).stream().filter(l -> l.get("entitlementTag").asText().equals(tag)).findFirst()
                .orElseThrow(() -> new AssertionError("no pool " + tag + " in " + va));
    }

    private void assertPool(String va, String tag, long quantity, long inUse, long balance, String status) {
        JsonNode p = pool(va, tag);
        assertEquals(quantity, p.get("quantity").asLong(), p.toString());
        assertEquals(inUse, p.get("inUse").asLong(), p.toString());
        assertEquals(balance, p.get("balance").asLong(), p.toString());
        assertEquals(status, p.get("status").asText(), p.toString());
    }

    private JsonNode device(String va, String piid) {
        TestSatellite.Response r = sat.get(va + "/devices/" + piid, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** Every pool's inUse equals the sum of the latest counts of devices whose usage still counts. */
    private void assertConsistent() {
        for (String va : List.of(LAB, DEFAULT)) {
            Map<String, Long> sums = new LinkedHashMap<>();
            for (JsonNode d : sat.get(va + "/devices?limit=1000", admin).json().get("devices")) {
                boolean live = d.get("registrationStatus").asText().equals("REGISTERED")
                        && !d.get("authorizationStatus").asText().equals("AUTHORIZATION_EXPIRED");
                for (JsonNode u : d.get("licenseUsage")) {
                    if (live && !u.get("status").asText().equals("INVALID_TAG")) {
                        sums.merge(u.get("entitlementTag").asText(), u.get("quantity").asLong(), Long::sum);
                    }
                }
            }
            for (JsonNode l : licenses(va)) {
                assertEquals(sums.getOrDefault(l.get("entitlementTag").asText(), 0L), l.get("inUse").asLong(),
                        va + " " + l);
            }
        }
    }
}
