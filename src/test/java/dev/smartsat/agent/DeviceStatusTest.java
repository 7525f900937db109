package dev.smartsat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.agent.DeviceState.Authorization;
import dev.smartsat.agent.DeviceState.EntitlementStatus;
import dev.smartsat.agent.DeviceState.Failure;
import dev.smartsat.agent.DeviceState.Registration;
import dev.smartsat.agent.DeviceStatus.AuthorizationStatus;
import dev.smartsat.agent.DeviceStatus.EntitlementLine;
import dev.smartsat.agent.DeviceStatus.RegistrationStatus;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The licensing page's vocabulary for every state a device can be in (SPEC §6). */
class DeviceStatusTest {
    static final KeyPair KEYS = DeviceKeys.generate();
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant REGISTERED_AT = START.plus(Duration.ofDays(10));
    static final String RMS = "regid.2016-07.com.cisco.EXPWY_RMS,1.0_8c1b5a4e-4c07-4f1e-9d53-1d2a7c2f0a11";

    static DeviceState fresh() {
        return DeviceState.firstStart(START, KEYS);
    }

    static DeviceState registered() {
        DeviceState state = fresh();
        state.identify("C9300-24UX", "FCW2134L0RN");
        state.configureTransport("https://localhost:8443/SmartTransport", "switch-1", "tag");
        state.registered(new Registration("6ca07f56-145c-4ace-bdc2-40417fd49d47", "PEM", "Example Corp", "Default",
                "ALLOWED", REGISTERED_AT, REGISTERED_AT.plus(Duration.ofDays(365)),
                REGISTERED_AT.plus(Duration.ofDays(180))));
        return state;
    }

    static DeviceState authorized(String status, EntitlementStatus... entitlements) {
        DeviceState state = registered();
        state.authorized(new Authorization(status, List.of(entitlements), REGISTERED_AT.plus(Duration.ofDays(30)),
                REGISTERED_AT.plus(Duration.ofDays(90)), REGISTERED_AT));
        return state;
    }

    @Test
    void aFreshDeviceIsUnregisteredInEvaluationModeWithNinetyDaysLeft() {
        DeviceStatus status = DeviceStatus.of(fresh(), START);
        assertEquals(RegistrationStatus.UNREGISTERED, status.registration());
        assertEquals("Unregistered", status.registration().label());
        assertEquals(AuthorizationStatus.EVALUATION_MODE, status.authorization());
        assertEquals("Evaluation Mode", status.authorization().label());
        assertEquals(90, status.evaluationDaysRemaining());
        assertEquals(START.plus(Duration.ofDays(90)), status.evaluationEnds());
        assertEquals("Not Allowed", status.exportControlled());
        assertNull(status.productInstanceIdentifier());
        assertTrue(status.render().contains(String.format("  %-32s %s", "License authorization status:",
                "Evaluation Mode (90 days remaining)")), String.join("\n", status.render()));
    }

    @Test
    void theEvaluationPeriodCountsDaysUpAndEndsAfterNinetyDays() {
        DeviceState state = fresh();
        DeviceStatus lastDay = DeviceStatus.of(state, START.plus(Duration.ofDays(90)).minusSeconds(1));
        assertEquals(AuthorizationStatus.EVALUATION_MODE, lastDay.authorization());
        assertEquals(1, lastDay.evaluationDaysRemaining());
        DeviceStatus over = DeviceStatus.of(state, START.plus(Duration.ofDays(90)));
        assertEquals(AuthorizationStatus.EVALUATION_EXPIRED, over.authorization());
        assertEquals("Evaluation Expired", over.authorization().label());
        assertEquals(0, over.evaluationDaysRemaining());
        assertEquals(RegistrationStatus.UNREGISTERED, over.registration());
    }

    @Test
    void registeredAndAuthorized() {
        DeviceState state = authorized("AUTHORIZED", new EntitlementStatus(RMS, 5, "AUTHORIZED"));
        DeviceStatus status = DeviceStatus.of(state, REGISTERED_AT.plus(Duration.ofDays(1)));
        assertEquals("Registered", status.registration().label());
        assertEquals("Authorized", status.authorization().label());
        assertEquals(List.of(new EntitlementLine(RMS, 5, "Authorized")), status.entitlements());
        assertEquals("Allowed", status.exportControlled());
        assertEquals("Example Corp", status.smartAccount());
        assertEquals("Default", status.virtualAccount());
        assertEquals("6ca07f56-145c-4ace-bdc2-40417fd49d47", status.productInstanceIdentifier());
        assertEquals("P:C9300-24UX,S:FCW2134L0RN", status.udi());
        assertEquals(REGISTERED_AT.plus(Duration.ofDays(365)), status.registrationExpires());
        assertEquals(REGISTERED_AT.plus(Duration.ofDays(180)), status.nextRenewalAttempt());
        assertEquals(REGISTERED_AT.plus(Duration.ofDays(30)), status.nextAuthorizationAttempt());
        assertEquals(REGISTERED_AT.plus(Duration.ofDays(90)), status.communicationDeadline());
        assertNull(status.evaluationEnds(), "a registered product shows no evaluation period");
        List<String> page = status.render();
        assertTrue(page.contains(String.format("  %-32s %s", "Registration status:", "Registered")), page.toString());
        assertTrue(page.contains(String.format("  %-32s %s", "Export-controlled functionality:", "Allowed")));
        assertTrue(page.contains("  " + RMS + "  count 5  Authorized"), page.toString());
    }

    @Test
    void authorizationExpiresAtTheCommunicationDeadline() {
        DeviceState state = authorized("AUTHORIZED", new EntitlementStatus(RMS, 5, "AUTHORIZED"));
        Instant deadline = REGISTERED_AT.plus(Duration.ofDays(90));
        assertEquals(AuthorizationStatus.AUTHORIZED, DeviceStatus.of(state, deadline.minusMillis(1)).authorization());
        DeviceStatus expired = DeviceStatus.of(state, deadline);
        assertEquals(RegistrationStatus.REGISTERED, expired.registration());
        assertEquals("Authorization Expired", expired.authorization().label());
        assertEquals(List.of(new EntitlementLine(RMS, 5, "Authorization Expired")), expired.entitlements());
    }

    @Test
    void registrationExpiresAtRegistrationExpiresAndTheProductFallsBackToEvaluation() {
        DeviceState state = authorized("AUTHORIZED", new EntitlementStatus(RMS, 5, "AUTHORIZED"));
        Instant expires = REGISTERED_AT.plus(Duration.ofDays(365));
        assertEquals(RegistrationStatus.REGISTERED, DeviceStatus.of(state, expires.minusMillis(1)).registration());
        DeviceStatus expired = DeviceStatus.of(state, expires);
        assertEquals(RegistrationStatus.REGISTRATION_EXPIRED, expired.registration());
        assertEquals("Unregistered – Registration Expired", expired.registration().label());
        assertEquals(AuthorizationStatus.EVALUATION_EXPIRED, expired.authorization(), "first start was 375 days ago");
        assertEquals("Not Allowed", expired.exportControlled());
        assertEquals(expires, expired.registrationExpires(), "the page still says when it expired");
        assertTrue(expired.entitlements().isEmpty());
    }

    @Test
    void theSatelliteSayingRegistrationExpiredCountsEvenBeforeTheLocalDate() {
        DeviceState state = registered();
        state.registrationExpired();
        DeviceStatus status = DeviceStatus.of(state, REGISTERED_AT.plus(Duration.ofDays(1)));
        assertEquals("Unregistered – Registration Expired", status.registration().label());
        assertEquals(AuthorizationStatus.EVALUATION_MODE, status.authorization());
    }

    @Test
    void outOfCompliance() {
        DeviceState state = authorized("OUT_OF_COMPLIANCE", new EntitlementStatus(RMS, 500, "OUT_OF_COMPLIANCE"),
                new EntitlementStatus("bogus,1.0", 1, "INVALID_TAG"));
        DeviceStatus status = DeviceStatus.of(state, REGISTERED_AT.plus(Duration.ofDays(1)));
        assertEquals("Out-of-compliance", status.authorization().label());
        assertEquals(List.of(new EntitlementLine(RMS, 500, "Out of compliance"),
                new EntitlementLine("bogus,1.0", 1, "Invalid-tag")), status.entitlements());
    }

    @Test
    void noLicensesInUse() {
        DeviceStatus status = DeviceStatus.of(authorized("NO_LICENSES_IN_USE"), REGISTERED_AT.plus(Duration.ofDays(1)));
        assertEquals("No Licenses in Use", status.authorization().label());
        assertTrue(status.entitlements().isEmpty());
        assertTrue(status.render().contains("  (none reported)"));
    }

    @Test
    void registeredButNotYetAuthorizedRunsOnTheEvaluationPeriod() {
        DeviceStatus status = DeviceStatus.of(registered(), REGISTERED_AT);
        assertEquals(RegistrationStatus.REGISTERED, status.registration());
        assertEquals(AuthorizationStatus.EVALUATION_MODE, status.authorization());
    }

    @Test
    void aFailedRegistrationShowsWithItsReason() {
        DeviceState state = fresh();
        state.identify("C9300-24UX", "FCW2134L0RN");
        state.registrationFailed(new Failure(START, "register", "TOKEN_EXPIRED", "the token expired"));
        DeviceStatus status = DeviceStatus.of(state, START.plusSeconds(60));
        assertEquals(RegistrationStatus.REGISTRATION_FAILED, status.registration());
        assertEquals("Unregistered – Registration Failed", status.registration().label());
        assertEquals(AuthorizationStatus.EVALUATION_MODE, status.authorization());
        assertTrue(status.render().stream().anyMatch(line -> line.contains("TOKEN_EXPIRED — the token expired")));
    }

    @Test
    void aFailedReRegistrationKeepsTheLiveRegistration() {
        DeviceState state = registered();
        state.registrationFailed(new Failure(START, "register", "INSTANCE_EXISTS", "set overwrite"));
        assertEquals(RegistrationStatus.REGISTERED, DeviceStatus.of(state, REGISTERED_AT).registration());
        assertEquals("INSTANCE_EXISTS", DeviceStatus.of(state, REGISTERED_AT).lastFailure().messageCode());
    }

    @Test
    void deregisteringReturnsToUnregisteredAndEvaluation() {
        DeviceState state = authorized("AUTHORIZED", new EntitlementStatus(RMS, 5, "AUTHORIZED"));
        state.forgetRegistration();
        DeviceStatus status = DeviceStatus.of(state, START.plus(Duration.ofDays(20)));
        assertEquals(RegistrationStatus.UNREGISTERED, status.registration());
        assertEquals(AuthorizationStatus.EVALUATION_MODE, status.authorization());
        assertEquals(70, status.evaluationDaysRemaining());
        assertNull(status.smartAccount());
        assertTrue(status.entitlements().isEmpty());
    }
}
