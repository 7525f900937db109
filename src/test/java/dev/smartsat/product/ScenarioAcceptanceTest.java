package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smartsat.TestSatellite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1, 3 and 4 of issue 11: every example scenario runs on a fresh satellite (each in its own test); a product left alone for 200
 * days stays registered and authorized by its own timers; evaluation expiry, a registration outage and a refused
 * token show the statuses and refusals of SPEC §11, step by step.
 */
class ScenarioAcceptanceTest {
    @TempDir
    Path dir;

    /** Every example scenario, each run on a fresh satellite by the test named beside it (acceptance 1). */
    static final Set<String> COVERED = Set.of(
            "expressway-business-day.yaml", "webex-hosts.yaml", // LicenseViewAcceptanceTest
            "expressway-steady-200-days.yaml", "expressway-evaluation-expiry.yaml",
            "expressway-registration-outage.yaml", "expressway-refused-token.yaml", "webex-reservation.yaml",
            "webex-two-data-centers.yaml", "webex-micro-second-data-center.yaml", "expressway-out-of-compliance.yaml");

    @Test
    void everyExampleScenarioHasATestThatRunsIt() throws IOException {
        try (Stream<Path> files = Files.list(ScenarioSupport.EXAMPLES)) {
            assertEquals(new TreeSet<>(COVERED), files.map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    @Test
    void aRegisteredExpresswayOutOfComplianceIsShownSoAndKeepsWorking() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            List<Timeline.Step> s = ScenarioSupport.run(sat, "expressway-out-of-compliance.yaml", null).steps();
            assertStep(s.get(0), 0, "Registered", "Authorized", 0);
            assertStep(s.get(1), 1, "Registered", "Out-of-compliance", 0);
            assertEquals(120, count(s.get(1), ProductLicense.RICH_MEDIA_SESSION), "every call still goes through");
            assertEquals("Out of compliance", s.get(1).licenses().get(0).status());
            assertStep(s.get(2), 2, "Registered", "Authorized", 0);
        }
    }

    @Test
    void aProductLeftAloneFor200DaysRenewsItselfAndStaysAuthorized() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            Timeline timeline = ScenarioSupport.run(sat, "expressway-steady-200-days.yaml", null);
            timeline.steps().forEach(s -> assertEquals(List.of(), s.refused(), "day " + s.day()));
            Timeline.Step last = timeline.steps().get(timeline.steps().size() - 1);
            assertEquals(200, last.day());
            assertEquals("Registered", last.registrationStatus());
            assertEquals("Authorized", last.authorizationStatus());
            String admin = sat.adminToken();
            JsonNode renewed = sat.get(TestSatellite.ACCOUNT_PATH + "/events?type=INSTANCE_RENEWED", admin).json();
            assertEquals(1, renewed.get("totalRecords").asInt(), "one renewal, at 180 days: " + renewed);
            assertEquals(timeline.productInstanceIdentifier(),
                    renewed.get("events").get(0).get("productInstanceIdentifier").asText());
            JsonNode device = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/devices/"
                    + timeline.productInstanceIdentifier(), admin).json();
            Instant now = Instant.parse(sat.get("/backend/api/v1/sim/clock", admin).json().get("now").asText());
            Instant lastContact = Instant.parse(device.get("lastContactDate").asText());
            assertTrue(Duration.between(lastContact, now).compareTo(Duration.ofDays(30)) < 0, lastContact + " vs " + now);
            assertEquals("AUTHORIZED", device.get("authorizationStatus").asText());
        }
    }

    @Test
    void anExpresswayWhoseEvaluationExpiresRefusesNewRegistrationsUntilItRegisters() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            List<Timeline.Step> s = ScenarioSupport.run(sat, "expressway-evaluation-expiry.yaml", null).steps();
            assertStep(s.get(0), 0, "Unregistered", "Evaluation Mode", 0);
            assertStep(s.get(1), 60, "Unregistered", "Evaluation Mode", 0);
            assertStep(s.get(2), 91, "Unregistered", "Evaluation Expired", 2);
            assertEquals("Cisco Webex Room Kit (sip) x2", s.get(2).refused().get(0).what());
            assertEquals("Cisco Webex DX80 (sip) x2", s.get(2).refused().get(1).what());
            assertEquals(8, count(s.get(2), ProductLicense.ROOM_SYSTEM), "what it had keeps working");
            assertStep(s.get(3), 95, "Registered", "Authorized", 0);
            assertEquals(10, count(s.get(3), ProductLicense.ROOM_SYSTEM));
            assertEquals(2, count(s.get(3), ProductLicense.DESKTOP_SYSTEM));
            // deregistered after its 90 days: Evaluation Expired, not back in evaluation
            assertStep(s.get(4), 120, "Unregistered", "Evaluation Expired", 0);
            assertStep(s.get(5), 121, "Unregistered", "Evaluation Expired", 1);
            assertEquals("Cisco Webex Room Kit (sip) x1", s.get(5).refused().get(0).what());
            s.get(5).licenses().forEach(l -> assertEquals("Evaluation Expired", l.status()));
        }
    }

    @Test
    void aRegistrationDuringAnOutageIsPendingAndRetriedEvery15Minutes() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            Timeline timeline = ScenarioSupport.run(sat, "expressway-registration-outage.yaml", null);
            List<Timeline.Step> s = timeline.steps();
            assertStep(s.get(0), 0, "Unregistered: Registration Pending", "Evaluation Mode", 0);
            assertStep(s.get(1), 1, "Unregistered: Registration Pending", "Evaluation Mode", 0);
            assertStep(s.get(2), 2, "Registered", "Authorized", 0);
            // the retry after the faults were cleared on day 1 registered it within 15 minutes
            JsonNode device = sat.get(TestSatellite.ACCOUNT_PATH + "/virtual-accounts/Default/devices/"
                    + timeline.productInstanceIdentifier(), sat.adminToken()).json();
            Instant registered = Instant.parse(device.get("registrationDate").asText());
            Instant day1 = Instant.parse(s.get(1).date() + "T00:00:00Z");
            assertTrue(registered.isAfter(day1) && registered.isBefore(day1.plus(Duration.ofDays(1))), registered.toString());
            JsonNode registrations = sat.get(TestSatellite.ACCOUNT_PATH + "/events?type=INSTANCE_REGISTERED",
                    sat.adminToken()).json();
            assertEquals(1, registrations.get("totalRecords").asInt());
        }
    }

    @Test
    void aRegistrationRefusedForItsTokenFailsAndIsNotRetried() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            List<Timeline.Step> s = ScenarioSupport.run(sat, "expressway-refused-token.yaml", null).steps();
            assertStep(s.get(0), 0, "Unregistered: Registration Failed", "Evaluation Mode", 1);
            assertTrue(s.get(0).refused().get(0).reason().startsWith("TOKEN_INVALID"), s.get(0).toString());
            assertStep(s.get(1), 1, "Unregistered: Registration Failed", "Evaluation Mode", 0);
        }
    }

    @Test
    void aReservedWebexServerWhoseHostsOutgrowItOnlyManagesLicensesUntilAnUpdateFits() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            List<Timeline.Step> s = ScenarioSupport.run(sat, "webex-reservation.yaml", null).steps();
            assertEquals(0, s.get(0).refused().size(), s.get(0).toString());
            assertEquals(3, count(s.get(0), ProductLicense.HOST));
            assertEquals(4, s.get(1).refused().size(), "no meeting at all: " + s.get(1));
            assertEquals("Out-of-compliance", s.get(1).authorizationStatus());
            assertEquals(0, s.get(2).refused().size(), s.get(2).toString());
            assertEquals("Authorized", s.get(2).authorizationStatus());
            JsonNode reserved = sat.get(TestSatellite.ACCOUNT_PATH + "/events?type=RESERVATION_CONFIRMED",
                    sat.adminToken()).json();
            assertEquals(1, reserved.get("totalRecords").asInt(), "the update was confirmed with the product's code");
        }
    }

    @Test
    void aSecondDataCenterJoinsOnlyOnAnAuthorizedMultiDataCenterLicense() throws Exception {
        try (TestSatellite sat = TestSatellite.start(dir)) {
            List<Timeline.Step> s = ScenarioSupport.run(sat, "webex-two-data-centers.yaml", null).steps();
            assertEquals("data center 2", s.get(0).refused().get(0).what());
            assertEquals(0, count(s.get(0), ProductLicense.LARGE_XL_MDC));
            assertEquals(2, count(s.get(1), ProductLicense.LARGE_XL_MDC));
            assertEquals(List.of(), s.get(1).refused());
            assertEquals(2L, ScenarioSupport.inUse(sat, "Default").get(ProductLicense.LARGE_XL_MDC.tag()));
            List<Timeline.Step> micro = ScenarioSupport.run(sat, "webex-micro-second-data-center.yaml", null).steps();
            assertEquals("Registered", micro.get(0).registrationStatus());
            assertEquals("data center 2", micro.get(0).refused().get(0).what());
        }
    }

    private static int count(Timeline.Step step, ProductLicense license) {
        return step.licenses().stream().filter(l -> l.entitlementTag().equals(license.tag()))
                .mapToInt(ProductPage.Line::count).sum();
    }

    private static void assertStep(Timeline.Step step, long day, String registration, String authorization,
                                   int refused) {
        assertEquals(day, step.day(), step.toString());
        assertEquals(registration, step.registrationStatus(), step.toString());
        assertEquals(authorization, step.authorizationStatus(), step.toString());
        assertEquals(refused, step.refused().size(), step.toString());
    }
}
