package dev.smartsat.product;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An Expressway's licensing: the licenses its activity uses, and the registrations it refuses when unlicensed. */
public final class Expressway {
    /** The usage, the registrations it now holds, and what it refused. */
    public record Outcome(Map<ProductLicense, Integer> usage, List<EndpointRegistration> accepted,
                          List<Refusal> refused) {
    }

    private Expressway() {
    }

    /**
     * @param held              the registrations the Expressway held before this change
     * @param evaluationExpired 003:467-468 "if Expressway is not registered ... the product moves to Unauthorized
     *                          state and does not allow new device registrations until the product is registered" —
     *                          the registrations it already held keep working, new ones are refused
     */
    public static Outcome apply(Activity activity, List<EndpointRegistration> held, boolean evaluationExpired) {
        Map<String, Integer> before = new HashMap<>();
        held.forEach(r -> before.merge(r.kind(), r.count(), Integer::sum));
        List<EndpointRegistration> accepted = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        RoomAndDesktopRegistrations.Licenses licenses = new RoomAndDesktopRegistrations.Licenses(0, 0);
        for (EndpointRegistration r : activity.registrations()) {
            int allowed = r.count();
            if (evaluationExpired) {
                allowed = Math.min(r.count(), before.getOrDefault(r.kind(), 0));
                before.merge(r.kind(), -allowed, Integer::sum);
                if (allowed < r.count()) {
                    refused.add(new Refusal(describe(r, r.count() - allowed), "Evaluation Expired: the Expressway"
                            + " accepts no new device registrations until it is registered"));
                }
            }
            if (allowed > 0) {
                EndpointRegistration kept = r.withCount(allowed);
                accepted.add(kept);
                licenses = licenses.plus(RoomAndDesktopRegistrations.of(kept));
            }
        }
        Map<ProductLicense, Integer> usage = new EnumMap<>(ProductLicense.class);
        put(usage, ProductLicense.RICH_MEDIA_SESSION, RichMediaSessions.inUse(activity.calls()));
        put(usage, ProductLicense.ROOM_SYSTEM, licenses.room());
        put(usage, ProductLicense.DESKTOP_SYSTEM, licenses.desktop());
        return new Outcome(usage, accepted, refused);
    }

    static void put(Map<ProductLicense, Integer> usage, ProductLicense license, int count) {
        if (count > 0) {
            // 003:631 "If a license type is not in use (being consumed) it is not displayed here."
            usage.put(license, count);
        }
    }

    private static String describe(EndpointRegistration r, int devices) {
        return r.model() + " (" + r.protocol().word() + (r.aliases() > 1 ? ", " + r.aliases() + " aliases" : "")
                + ") x" + devices;
    }
}
