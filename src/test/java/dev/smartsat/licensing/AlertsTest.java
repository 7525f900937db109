package dev.smartsat.licensing;

import static dev.smartsat.licensing.AlertScenarios.ALERTS;
import static dev.smartsat.transport.TestDevice.NETWORK_ADVANTAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.Await;
import dev.smartsat.OnEachDatabase;
import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.transport.TestDevice;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * The alerts of SPEC §12 over real HTTPS: raised when their condition starts (a device's usage, the clock), cleared
 * when it ends, each raise and clear an event. Lab holds 4 Network Advantage and 4 term DNA Advantage ending
 * 2027-06-30 (seed).
 */
@OnEachDatabase
class AlertsTest {
    @Parameter
    TestDatabase database;

    @TempDir
    Path dir;
    TestSatellite sat;
    String admin;
    AlertScenarios on;

    @BeforeEach
    void start() {
        sat = TestSatellite.start(dir, database);
        admin = sat.adminToken();
        on = new AlertScenarios(sat);
    }

    @AfterEach
    void stop() {
        sat.close();
    }

    @Test
    void anOversubscribedPoolRaisesInsufficientLicensesAndFreeingItClearsIt() throws Exception {
        TestDevice device = on.deviceInLab("ALERT1", 5);
        Await.until(() -> on.total("?type=INSUFFICIENT_LICENSES&active=true") == 1, "INSUFFICIENT_LICENSES raised");
        JsonNode alert = on.alerts("?type=INSUFFICIENT_LICENSES&active=true").get(0);
        assertEquals("CRITICAL", alert.get("severity").asText());
        assertEquals("Lab", alert.get("virtualAccount").asText());
        assertEquals(NETWORK_ADVANTAGE, alert.get("entitlementTag").asText());
        assertTrue(alert.get("message").asText().contains("short of 1"), alert.toString());
        assertTrue(alert.get("clearedAt").isNull());

        on.remove(device);
        Await.until(() -> on.total("?type=INSUFFICIENT_LICENSES&active=true") == 0, "INSUFFICIENT_LICENSES cleared");
        JsonNode cleared = on.alerts("?type=INSUFFICIENT_LICENSES&active=false").get(0);
        assertEquals(alert.get("id").asLong(), cleared.get("id").asLong());
        assertTrue(cleared.get("clearedAt").isTextual(), cleared.toString());
        assertEquals(1, on.events("ALERT_RAISED", "INSUFFICIENT_LICENSES"));
        assertEquals(1, on.events("ALERT_CLEARED", "INSUFFICIENT_LICENSES"));
        // the virtual account filter: Default has none of Lab's
        assertEquals(0, on.total("?virtualAccount=Default&type=INSUFFICIENT_LICENSES"));
    }

    @Test
    void aTermPoolWalksDownTheExpiryThresholdsThenExpires() throws Exception {
        // 10 days before 2027-06-30: one alert, at 14 days
        on.setClock("2027-06-20T12:00:00Z");
        Await.until(() -> on.total("?virtualAccount=Lab&type=LICENSES_EXPIRING&active=true") == 1, "expiring at 14");
        JsonNode at14 = on.alerts("?virtualAccount=Lab&type=LICENSES_EXPIRING&active=true").get(0);
        assertTrue(at14.get("message").asText().contains("within 14 day"), at14.toString());
        assertEquals("WARNING", at14.get("severity").asText());
        assertEquals(0, on.total("?virtualAccount=Lab&type=LICENSES_EXPIRING&active=false"));

        // 4 days on, 6 days left: the 14-day alert clears and a 7-day one is raised
        on.advanceClock("P4D");
        Await.until(() -> on.total("?virtualAccount=Lab&type=LICENSES_EXPIRING&active=false") == 1, "14-day cleared");
        JsonNode active = on.alerts("?virtualAccount=Lab&type=LICENSES_EXPIRING&active=true");
        assertEquals(1, active.size(), active.toString());
        assertTrue(active.get(0).get("message").asText().contains("within 7 day"), active.toString());

        // past the end date: expired, and no longer expiring
        on.setClock("2027-07-01T12:00:00Z");
        Await.until(() -> on.total("?virtualAccount=Lab&type=LICENSES_EXPIRED&active=true") == 1, "expired raised");
        assertEquals(0, on.total("?virtualAccount=Lab&type=LICENSES_EXPIRING&active=true"));
        assertEquals("CRITICAL", on.alerts("?type=LICENSES_EXPIRED").get(0).get("severity").asText());
        assertEquals(2, on.events("ALERT_CLEARED", "LICENSES_EXPIRING"));
        assertEquals(1, on.events("ALERT_RAISED", "LICENSES_EXPIRED"));
    }

    @Test
    void lapsedAuthorizationAndAnOverdueSyncFollowTheClock() throws Exception {
        TestDevice device = on.deviceInLab("ALERT2", 1);
        // a reserved instance never reports: it must never count as failing to connect
        on.reserveInLab("ALERTSLR");

        // 31 days: the sync is overdue; the device's authorization (90 days) has not lapsed, in the same evaluation
        on.advanceClock("P31D");
        Await.until(() -> on.total("?type=SYNC_OVERDUE&active=true") == 1, "SYNC_OVERDUE raised");
        JsonNode overdue = on.alerts("?type=SYNC_OVERDUE").get(0);
        assertTrue(overdue.get("virtualAccount").isNull(), overdue.toString());
        assertEquals("WARNING", overdue.get("severity").asText());
        assertEquals(1, on.total("?virtualAccount=Lab&type=SYNC_OVERDUE"), "satellite-wide: under every virtual account");
        assertEquals(0, on.total("?type=PRODUCT_FAILED_TO_CONNECT"));
        assertEquals(1.0, activeGauge("SYNC_OVERDUE"));

        // 91 days: one instance (not the reservation) has lapsed
        on.advanceClock("P60D");
        Await.until(() -> on.total("?type=PRODUCT_FAILED_TO_CONNECT&active=true") == 1, "FAILED_TO_CONNECT raised");
        JsonNode failed = on.alerts("?type=PRODUCT_FAILED_TO_CONNECT").get(0);
        assertEquals("Lab", failed.get("virtualAccount").asText());
        assertTrue(failed.get("message").asText().startsWith("1 product instance(s)"), failed.toString());

        // it reports again: nothing lapsed is left, so the alert clears
        assertEquals("OK", device.authorize(Map.of(NETWORK_ADVANTAGE, 1L)).status());
        Await.until(() -> on.total("?type=PRODUCT_FAILED_TO_CONNECT&active=false") == 1, "FAILED_TO_CONNECT cleared");
        assertEquals(1, on.events("ALERT_RAISED", "PRODUCT_FAILED_TO_CONNECT"));
        assertEquals(1, on.events("ALERT_CLEARED", "PRODUCT_FAILED_TO_CONNECT"));
        // satellite-wide alerts' events belong to no account: the admin's log has them
        JsonNode all = sat.get("/backend/api/v1/events?type=ALERT_RAISED&limit=1000", admin).json().get("events");
        assertTrue(all.toString().contains("SYNC_OVERDUE"), all.toString());
    }

    @Test
    void badFiltersAre400NamingTheFieldAndUnknownNames404() {
        assertError(sat.get(ALERTS + "?type=NOT_A_TYPE", admin), 400, "type");
        assertError(sat.get(ALERTS + "?active=maybe", admin), 400, "active");
        assertError(sat.get(ALERTS + "?limit=0", admin), 400, "limit");
        assertEquals(404, sat.get("/backend/api/v1/accounts/Nobody/alerts", admin).status());
        assertEquals(404, sat.get(ALERTS + "?virtualAccount=Nowhere", admin).status());
        TestSatellite.Response ok = sat.get(ALERTS + "?active=true&limit=5&offset=0", sat.tokenForRole("viewer"));
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(ok.json().get("totalRecords").isIntegralNumber());
    }

    /** smartsat_alerts_active{type} as /metrics shows it. */
    private double activeGauge(String type) {
        for (String line : sat.get("/metrics", admin).body().split("\n")) {
            if (line.startsWith("smartsat_alerts_active{") && line.contains("type=\"" + type + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no smartsat_alerts_active series of type " + type);
    }

    private void assertError(TestSatellite.Response r, int status, String field) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.json().get("errors").has(field), r.toString());
    }
}
