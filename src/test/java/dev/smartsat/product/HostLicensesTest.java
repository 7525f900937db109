package dev.smartsat.product;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.product.HostLicenses.Allowance;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Host license rule against the Webex Meetings Server document's examples. */
class HostLicensesTest {
    static HostLicenses.Result meetings(Set<String> holders, List<Meeting> meetings) {
        return HostLicenses.apply(holders, Set.of(), List.of(), List.of(), meetings, Allowance.MEETINGS, null, null);
    }

    @Test
    void aHostOfTwoOverlappingMeetingsUsesOneLicenseAndAThirdIsRefused() {
        // 000:49 "A user can host a maximum of two simultaneous meetings, consuming only one license."
        HostLicenses.Result r = meetings(Set.of(), List.of(new Meeting("alice", null, true, 2)));
        assertEquals(Set.of("alice"), r.holders());
        assertEquals(2, r.meetingsHeld());
        assertTrue(r.refused().isEmpty());
        // "A user cannot host more than two meetings at the same time."
        r = meetings(Set.of(), List.of(new Meeting("alice", null, true, 2), new Meeting("alice", null, true, 1)));
        assertEquals(Set.of("alice"), r.holders());
        assertEquals(2, r.meetingsHeld());
        assertEquals(1, r.refused().size());
        assertEquals("meeting of alice (1 of 1 overlapping)", r.refused().get(0).what());
    }

    @Test
    void anAlternateHostUsesALicenseOnlyWhenTheHostIsAbsentAndTheAbsentHostKeepsOne() {
        // 000:41 "If both the alternate host and the meeting host attend the meeting, the status of the alternate host
        // ... is participant."
        assertEquals(Set.of("alice"), meetings(Set.of(), List.of(new Meeting("alice", "bob", true, 1))).holders());
        // "If the host does not attend the meeting, the alternate host consumes a host license. The user who
        // scheduled a meeting must have a valid license at the time of that meeting, even if the user does not attend"
        assertEquals(Set.of("alice", "bob"), meetings(Set.of(), List.of(new Meeting("alice", "bob", false, 1))).holders());
    }

    @Test
    void aLicenseIsHeldUntilTheUserIsDeactivated() {
        // 000:38 "the user retains the host license until the user is deactivated"
        assertEquals(Set.of("alice"), meetings(Set.of("alice"), List.of()).holders());
        // 000:29 manual assignment
        HostLicenses.Result assigned = HostLicenses.apply(Set.of(), Set.of(), List.of("carol"), List.of(), List.of(),
                Allowance.MEETINGS, null, null);
        assertEquals(Set.of("carol"), assigned.holders());
        // 000:31 "released for use by another host only when the user of that license is deactivated"
        HostLicenses.Result released = HostLicenses.apply(Set.of("alice", "carol"), Set.of(), List.of(), List.of("alice"),
                List.of(new Meeting("alice", null, true, 1)), Allowance.MEETINGS, null, null);
        assertEquals(Set.of("carol"), released.holders());
        assertEquals(Set.of("alice"), released.deactivated());
        assertEquals(0, released.meetingsHeld());
        assertEquals("alice is deactivated and cannot host meetings", released.refused().get(0).reason());
    }

    @Test
    void participantsAndSchedulersOnBehalfHoldNone() {
        // 000:19 "A user does not consume a Host license by attending or scheduling a meeting on behalf of others."
        assertEquals(Set.of("alice"), meetings(Set.of(), List.of(new Meeting("alice", null, true, 1))).holders());
    }

    @Test
    void licenseManagementOnlyHoldsNoMeetingButStillAssigns() {
        HostLicenses.Result r = HostLicenses.apply(Set.of(), Set.of(), List.of("dave"), List.of(),
                List.of(new Meeting("alice", null, true, 1)), Allowance.LICENSE_MANAGEMENT_ONLY, "Evaluation Expired", null);
        assertEquals(Set.of("dave"), r.holders());
        assertEquals(0, r.meetingsHeld());
        assertEquals(new Refusal("meeting of alice", "Evaluation Expired"), r.refused().get(0));
    }

    @Test
    void moreHoldersThanReservedHoldsNoMeeting() {
        // 000:377 "the system limits functionality to license management"
        HostLicenses.Result r = HostLicenses.apply(Set.of("a", "b"), Set.of(), List.of(), List.of(),
                List.of(new Meeting("c", null, true, 1)), Allowance.MEETINGS, null, 2);
        assertEquals(Set.of("a", "b", "c"), r.holders());
        assertEquals(0, r.meetingsHeld());
        assertTrue(r.refused().get(0).reason().contains("only license management"), r.refused().toString());
        assertEquals(1, HostLicenses.apply(Set.of("a", "b"), Set.of(), List.of(), List.of(),
                List.of(new Meeting("a", null, true, 1)), Allowance.MEETINGS, null, 2).meetingsHeld());
    }
}
