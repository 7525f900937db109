package dev.smartsat.product;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Webex Meetings Server document's Host license rule: which users hold a Host license, and which meetings are
 * held, given the licenses already held, license management (assign, deactivate) and the meetings in progress.
 */
public final class HostLicenses {
    /** What the product lets happen beyond license management. */
    public enum Allowance {
        /** Meetings are held. */
        MEETINGS,
        /** 000:359 "the only available system functionality is to register licenses": Evaluation Expired. */
        LICENSE_MANAGEMENT_ONLY
    }

    /** Who holds a Host license afterwards, who is deactivated, what was refused and how many meetings are held. */
    public record Result(Set<String> holders, Set<String> deactivated, List<Refusal> refused, int meetingsHeld) {
    }

    private HostLicenses() {
    }

    /**
     * @param reservedHosts the Host licenses of an installed reservation, or null when not licensed by reservation
     * @param limitedReason why meetings are refused under {@link Allowance#LICENSE_MANAGEMENT_ONLY}
     */
    public static Result apply(Set<String> holders, Set<String> deactivated, List<String> assign, List<String> deactivate,
                               List<Meeting> meetings, Allowance allowance, String limitedReason,
                               Integer reservedHosts) {
        Set<String> off = new LinkedHashSet<>(deactivated);
        off.addAll(deactivate);
        // 000:31 "A Permanent Host license is released for use by another host only when the user of that license is
        // deactivated."
        Set<String> held = new LinkedHashSet<>(holders);
        held.removeAll(off);
        List<Refusal> refused = new ArrayList<>();
        for (String user : assign) {
            if (off.contains(user)) {
                refused.add(new Refusal("user " + user, user + " is deactivated and cannot be assigned a Host license"));
            } else {
                // 000:29 "You can also manually assign a host license to a user."
                held.add(user);
            }
        }
        if (allowance == Allowance.LICENSE_MANAGEMENT_ONLY) {
            meetings.forEach(m -> refused.add(new Refusal(meetingOf(m), limitedReason)));
            return new Result(held, off, refused, 0);
        }
        Map<String, Integer> hosting = new HashMap<>();
        List<Meeting> accepted = new ArrayList<>();
        for (Meeting m : meetings) {
            if (off.contains(m.host())) {
                refused.add(new Refusal(meetingOf(m), m.host() + " is deactivated and cannot host meetings"));
                continue;
            }
            if (!m.hostAttends() && m.alternateHost() != null && off.contains(m.alternateHost())) {
                refused.add(new Refusal(meetingOf(m), "the host does not attend and the alternate host "
                        + m.alternateHost() + " is deactivated"));
                continue;
            }
            // 000:49 "A user can host a maximum of two simultaneous meetings, consuming only one license. A user cannot
            // host more than two meetings at the same time."
            int already = hosting.getOrDefault(m.host(), 0);
            int fits = Math.max(0, Math.min(m.overlapping(), 2 - already));
            if (fits < m.overlapping()) {
                refused.add(new Refusal(meetingOf(m) + " (" + (m.overlapping() - fits) + " of " + m.overlapping()
                        + " overlapping)", m.host() + " cannot host more than two meetings at the same time"));
            }
            if (fits == 0) {
                continue;
            }
            hosting.put(m.host(), already + fits);
            accepted.add(new Meeting(m.host(), m.alternateHost(), m.hostAttends(), fits));
            // 000:38 "Hosting a meeting consumes a license and the user retains the host license until the user is
            // deactivated"; 000:41 "The user who scheduled a meeting must have a valid license at the time of that
            // meeting, even if the user does not attend the meeting."
            held.add(m.host());
            if (!m.hostAttends() && m.alternateHost() != null) {
                // 000:41 "If the host does not attend the meeting, the alternate host consumes a host license." When
                // the host attends, the alternate host is a participant (000:37 participants "do not consume").
                held.add(m.alternateHost());
            }
        }
        if (reservedHosts != null && held.size() > reservedHosts) {
            // 000:375-377 "If you don't purchase sufficient licenses to cover your Host license assignments, the system
            // limits functionality to license management."
            String reason = "licensed by reservation: " + held.size() + " users hold Host licenses and "
                    + reservedHosts + " are reserved, so only license management is allowed";
            accepted.forEach(m -> refused.add(new Refusal(meetingOf(m), reason)));
            return new Result(held, off, refused, 0);
        }
        return new Result(held, off, refused, accepted.stream().mapToInt(Meeting::overlapping).sum());
    }

    private static String meetingOf(Meeting m) {
        return "meeting of " + m.host();
    }
}
