package dev.smartsat.console;

import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.reservation.RequestCode;
import dev.smartsat.transport.TestDevice;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Product Instances tab over HTTP (SPEC §12): a viewer sees no control that changes an instance and its forged
 * posts change nothing, a post without its CSRF token is refused, and bad filters, paging, quantities and unknown
 * instances get the API's status and words, never a 500.
 */
class InstancePagesTest {
    static final String LIST = "/console/accounts/Example%20Corp/virtual-accounts/Lab/instances";
    static final String API_LAB = TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Lab";
    /** The controls a writer has on an instance's page, by their buttons. */
    static final List<String> WRITE_BUTTONS = List.of(">Remove</button>", ">Transfer</button>",
            ">Update Reservation</button>", ">Confirm</button>", ">Remove Reservation</button>");

    @TempDir
    static Path dir;
    static TestSatellite sat;
    static String smart;
    static String reserved;

    @BeforeAll
    static void start() {
        sat = TestSatellite.start(dir);
        TestDevice device = new TestDevice(sat, "C9300-24UX", "HTTP1");
        assertEquals("OK", device.register(sat.createToken("Lab", "{}")).status());
        assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status());
        smart = device.piid;
        reserved = reserve(RequestCode.newFor("C9300-24UX", "HTTPSLR1").text());
        // An update awaiting confirmation, so the page would show every reservation control.
        TestSatellite.Response update = sat.post(API_LAB + "/devices/" + reserved + "/reservation", sat.adminToken(),
                "{\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":2}]}");
        assertEquals(200, update.status(), update.toString());
    }

    @AfterAll
    static void stop() {
        if (sat != null) {
            sat.close();
        }
    }

    /** Reserves one Network Advantage license in Lab for a request code; the new instance's identifier. */
    static String reserve(String requestCode) {
        TestSatellite.Response r = sat.post(API_LAB + "/reserve-licenses", sat.adminToken(),
                "{\"reservationRequests\":[{\"reservationCode\":\"" + requestCode + "\",\"reservationType\":\"SPECIFIC\","
                        + "\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE + "\",\"quantity\":1}]}]}");
        assertEquals(200, r.status(), r.toString());
        return r.json().get("authorizationCodes").get(0).get("productInstanceIdentifier").asText();
    }


    static JsonNode device(String piid) {
        TestSatellite.Response r = sat.get(API_LAB + "/devices/" + piid, sat.adminToken());
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    @Test
    void aViewerSeesNoControlThatChangesAnInstanceAndItsForgedPostsChangeNothing() {
        ConsoleBrowser viewer = ConsoleBrowser.signedIn(sat, "viewer");
        for (String piid : List.of(smart, reserved)) {
            HttpResponse<String> page = viewer.get(LIST + "/" + piid);
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains(piid), page.body());
            for (String button : WRITE_BUTTONS) {
                assertFalse(page.body().contains(button), button + " shown to a viewer");
            }
        }
        JsonNode smartBefore = device(smart);
        JsonNode reservedBefore = device(reserved);
        String csrf = ConsoleBrowser.csrfOf(viewer.get(LIST + "/" + reserved).body());
        Map<String, Map<String, String>> forged = Map.of(
                "/" + smart + "/remove", Map.of("csrf", csrf),
                "/" + smart + "/transfer", Map.of("csrf", csrf, "targetVirtualAccount", "Default"),
                "/" + reserved + "/reservation", Map.of("csrf", csrf, "entitlementTag", NETWORK_ADVANTAGE, "quantity", "3"),
                "/" + reserved + "/reservation/confirm", Map.of("csrf", csrf, "confirmationCode", "00000000"),
                "/" + reserved + "/reservation/remove", Map.of("csrf", csrf, "returnCode", "x"));
        forged.forEach((path, fields) -> {
            HttpResponse<String> r = viewer.post(LIST + path, fields);
            assertEquals(403, r.statusCode(), path + ": " + r.body());
            assertTrue(r.body().contains("role viewer may not"), r.body());
        });
        assertEquals(smartBefore, device(smart));
        assertEquals(reservedBefore, device(reserved));
    }

    @Test
    void aPostWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        ConsoleBrowser admin = ConsoleBrowser.signedIn(sat, "admin");
        JsonNode before = device(smart);
        HttpResponse<String> r = admin.post(LIST + "/" + smart + "/remove", Map.of());
        assertEquals(403, r.statusCode(), r.body());
        r = admin.post(LIST + "/" + smart + "/transfer", Map.of("csrf", "forged", "targetVirtualAccount", "Default"));
        assertEquals(403, r.statusCode(), r.body());
        assertEquals(before, device(smart));
    }

    @Test
    void badFiltersAndPagingGetTheApisWordsOnA400Page() {
        ConsoleBrowser viewer = ConsoleBrowser.signedIn(sat, "viewer");
        Map<String, String> refused = Map.of(
                "?status=HAPPY", "status must be one of",
                "?limit=1001", "limit must be between 1 and 1000, not 1001",
                "?limit=0", "limit must be between 1 and 1000, not 0",
                "?limit=ten", "limit must be a whole number, not 'ten'",
                "?offset=-1", "offset must be zero or more, not -1");
        refused.forEach((query, words) -> {
            HttpResponse<String> r = viewer.get(LIST + query);
            assertEquals(400, r.statusCode(), query + ": " + r.body());
            assertTrue(r.body().contains(words), query + ": " + r.body());
            assertEquals(400, sat.get(API_LAB + "/devices" + query, sat.adminToken()).status(), "the API agrees: " + query);
        });
        HttpResponse<String> filtered = viewer.get(LIST + "?status=RESERVED&q=");
        assertEquals(200, filtered.statusCode(), filtered.body());
        assertTrue(filtered.body().contains(reserved), filtered.body());
        assertFalse(filtered.body().contains(smart), filtered.body());
        assertTrue(filtered.body().contains("1–1 of 1"), filtered.body());
        HttpResponse<String> past = viewer.get(LIST + "?status=RESERVED&offset=5");
        assertEquals(200, past.statusCode(), past.body());
        assertTrue(past.body().contains("<span id=\"range\">0 of 1</span>"), past.body());
        assertTrue(past.body().contains("offset=0\" id=\"previous\""), "Previous leads back: " + past.body());
        assertFalse(past.body().contains("id=\"next\""), past.body());
    }

    @Test
    void unknownInstancesAndVirtualAccountsAre404PagesInTheDomainsWords() {
        ConsoleBrowser viewer = ConsoleBrowser.signedIn(sat, "viewer");
        HttpResponse<String> r = viewer.get(LIST + "/no-such-piid");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("no product instance no-such-piid in virtual account 'Lab'"), r.body());
        r = viewer.get(LIST.replace("/Lab/", "/Nowhere/"));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("no virtual account named 'Nowhere'"), r.body());
        r = viewer.get(LIST.replace("/Lab/", "/Default/") + "/" + smart);
        assertEquals(404, r.statusCode(), "an instance of Lab is not found under Default: " + r.body());
        r = viewer.get(LIST + "/" + smart + "/authorization-code");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("holds no Specific License Reservation"), r.body());
        ConsoleBrowser admin = ConsoleBrowser.signedIn(sat, "admin");
        String csrf = ConsoleBrowser.csrfOf(admin.get(LIST).body());
        r = admin.post(LIST + "/no-such-piid/remove", Map.of("csrf", csrf));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("no product instance no-such-piid"), r.body());
    }

    @Test
    void wrongFormsOnAReservationGetTheApisStatusAndWordsBesideTheForm() {
        ConsoleBrowser admin = ConsoleBrowser.signedIn(sat, "admin");
        JsonNode before = device(reserved);
        String csrf = ConsoleBrowser.csrfOf(admin.get(LIST).body());
        String page = LIST + "/" + reserved;

        HttpResponse<String> r = admin.post(page + "/reservation",
                Map.of("csrf", csrf, "entitlementTag", NETWORK_ADVANTAGE, "quantity", "two"));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("id=\"update-error\""), r.body());
        assertTrue(r.body().contains("licenses[0].quantity must be a whole number"), r.body());
        assertTrue(r.body().contains("value=\"two\""), "the form keeps what was typed: " + r.body());

        r = admin.post(page + "/reservation", Map.of("csrf", csrf, "entitlementTag", NETWORK_ADVANTAGE, "quantity", "0"));
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("must be at least 1, not 0"), r.body());

        r = admin.post(page + "/reservation", Map.of("csrf", csrf, "entitlementTag", NETWORK_ADVANTAGE, "quantity", "99"));
        assertEquals(422, r.statusCode(), r.body());

        r = admin.post(page + "/reservation/confirm", Map.of("csrf", csrf));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("confirmationCode is required"), r.body());

        r = admin.post(page + "/remove", Map.of("csrf", csrf));
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("id=\"remove-error\""), r.body());
        assertTrue(r.body().contains("holds a Specific License Reservation"), r.body());

        r = admin.post(LIST + "/" + smart + "/reservation/confirm", Map.of("csrf", csrf, "confirmationCode", "1"));
        assertEquals(409, r.statusCode(), r.body());
        assertTrue(r.body().contains("holds no Specific License Reservation"), r.body());

        r = admin.post(LIST + "/" + smart + "/transfer", Map.of("csrf", csrf, "targetVirtualAccount", "Nowhere"));
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(r.body().contains("id=\"transfer-error\""), r.body());
        assertEquals(before, device(reserved));
    }
}
