package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestSatellite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 of issue 11: after every step of the Expressway business day and of Webex hosts, the satellite's own
 * license view shows exactly the in-use counts the product's timeline reports.
 */
class LicenseViewAcceptanceTest {
    @TempDir
    Path dir;

    /** Runs {@code example}, checking the satellite after every step; returns each step's counts by license name. */
    private List<Map<String, Integer>> runChecked(String example) throws Exception {
        List<Map<String, Integer>> counts = new ArrayList<>();
        try (TestSatellite sat = TestSatellite.start(dir)) {
            ScenarioSupport.run(sat, example, (step, product) -> {
                assertEquals("Registered", step.registrationStatus(), "day " + step.day());
                Map<String, Long> satellite = ScenarioSupport.inUse(sat, "Default");
                Map<String, Integer> shown = new HashMap<>();
                step.licenses().forEach(l -> shown.put(l.entitlementTag(), l.count()));
                for (ProductLicense license : ProductLicense.values()) {
                    assertEquals((long) shown.getOrDefault(license.tag(), 0), satellite.getOrDefault(license.tag(), 0L),
                            license.displayName() + " after the step of day " + step.day() + ": " + step);
                }
                step.licenses().forEach(l -> assertEquals("Authorized", l.status(), l.toString()));
                Map<String, Integer> byName = new HashMap<>();
                step.licenses().forEach(l -> byName.put(l.license(), l.count()));
                counts.add(byName);
            });
        }
        return counts;
    }

    @Test
    void theExpresswayBusinessDayMatchesTheSatelliteAfterEveryStep() throws Exception {
        List<Map<String, Integer>> steps = runChecked("expressway-business-day.yaml");
        String rms = ProductLicense.RICH_MEDIA_SESSION.displayName();
        String room = ProductLicense.ROOM_SYSTEM.displayName();
        String desktop = ProductLicense.DESKTOP_SYSTEM.displayName();
        assertEquals(5, steps.size());
        // rooms: 10 Room Kits + 2 EX60 on TC7.3.5 + 3 DX80 H.323 halves + an MCU's 3 aliases; Expressway-E proxies none
        // desktops: 4 EX90 on TC7.3.6 + 3 DX80 SIP halves + 5 Movi clients proxied through Expressway-C
        assertEquals(Map.of(room, 18, desktop, 12), steps.get(0));
        assertEquals(Map.of(rms, 12 + 4, room, 18, desktop, 12), steps.get(1));
        assertEquals(Map.of(rms, 40 + 10 + 3 + 5, room, 18, desktop, 12), steps.get(2));
        assertEquals(Map.of(rms, 2, room, 18, desktop, 12), steps.get(3));
        assertEquals(Map.of(room, 10, desktop, 4), steps.get(4));
    }

    @Test
    void webexHostsMatchTheSatelliteAfterEveryStep() throws Exception {
        List<Map<String, Integer>> steps = runChecked("webex-hosts.yaml");
        String host = ProductLicense.HOST.displayName();
        assertEquals(List.of(Map.of(host, 2), Map.of(host, 4), Map.of(host, 5), Map.of(host, 4)), steps);
        assertTrue(true);
    }
}
