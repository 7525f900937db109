package dev.smartsat.licensing;

import static dev.smartsat.TestSatellite.ACCOUNT_PATH;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import dev.smartsat.reservation.RequestCode;
import dev.smartsat.transport.TestDevice;
import java.util.Map;

/**
 * The alert conditions of SPEC §12 brought about over the API as an administrator would, and the alerts and
 * events read back: shared by the tests of alerts and of their e-mail. Lab holds 4 Network Advantage and 4 term
 * DNA Advantage ending 2027-06-30 (seed).
 */
public final class AlertScenarios {
    public static final String ALERTS = ACCOUNT_PATH + "/alerts";
    public static final String LAB = ACCOUNT_PATH + "/virtual-accounts/Lab";
    static final String CLOCK = "/backend/api/v1/sim/clock";

    private final TestSatellite sat;
    private final String admin;

    public AlertScenarios(TestSatellite sat) {
        this.sat = sat;
        this.admin = sat.adminToken();
    }

    /** A device registered in Lab and authorized for {@code licenses} Network Advantage (5 is one too many). */
    public TestDevice deviceInLab(String serial, long licenses) {
        TestDevice device = new TestDevice(sat, "C9300-48P", serial);
        assertEquals("OK", device.register(sat.createToken("Lab", "{}")).status());
        assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, licenses)).status());
        return device;
    }

    /** Removes a device from Lab, freeing what it used. */
    public void remove(TestDevice device) {
        TestSatellite.Response r = sat.delete(LAB + "/devices/" + device.piid, admin);
        assertEquals(204, r.status(), r.toString());
    }

    /** Reserves one Network Advantage in Lab for an instance that will never report (SPEC §5). */
    public void reserveInLab(String serial) {
        TestSatellite.Response reserved = sat.post(LAB + "/reserve-licenses", admin, "{\"reservationRequests\":[{"
                + "\"reservationCode\":\"" + RequestCode.newFor("C9300-24UX", serial).text() + "\","
                + "\"reservationType\":\"SPECIFIC\",\"licenses\":[{\"entitlementTag\":\"" + NETWORK_ADVANTAGE
                + "\",\"quantity\":1}]}]}");
        assertEquals(200, reserved.status(), reserved.toString());
    }

    /** Sets the server clock to {@code instant} (ISO-8601). */
    public void setClock(String instant) {
        clock("{\"now\":\"" + instant + "\"}");
    }

    /** Moves the server clock on by {@code duration} (ISO-8601, e.g. P4D). */
    public void advanceClock(String duration) {
        clock("{\"advance\":\"" + duration + "\"}");
    }

    private void clock(String body) {
        TestSatellite.Response r = sat.json("PUT", CLOCK, admin, body);
        assertEquals(200, r.status(), r.toString());
    }

    /** The alerts {@code GET …/alerts?…} answers. */
    public JsonNode alerts(String query) {
        TestSatellite.Response r = sat.get(ALERTS + query, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("alerts");
    }

    /** Its totalRecords. */
    public long total(String query) {
        TestSatellite.Response r = sat.get(ALERTS + query, admin);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("totalRecords").asLong();
    }

    /** Events of {@code type} whose message names the alert type, across the account and satellite-wide. */
    public long events(String type, String alertType) {
        JsonNode events = sat.get("/backend/api/v1/events?type=" + type + "&limit=1000", admin).json().get("events");
        long n = 0;
        for (JsonNode e : events) {
            if (e.get("message").asText().contains(alertType)) {
                n++;
            }
        }
        return n;
    }
}
