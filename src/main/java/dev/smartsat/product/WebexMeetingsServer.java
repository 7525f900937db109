package dev.smartsat.product;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A Webex Meetings Server's licensing: Host licenses of its users and meetings, and its system licenses. */
public final class WebexMeetingsServer {
    /** The usage, who holds and who is deactivated afterwards, whether data center 2 joined, and what was refused. */
    public record Outcome(Map<ProductLicense, Integer> usage, Set<String> holders, Set<String> deactivated,
                          boolean joined, List<Refusal> refused) {
    }

    private WebexMeetingsServer() {
    }

    /**
     * @param limitedReason null when meetings may be held; otherwise why only license management is allowed
     *                      (000:359 an expired evaluation: "the only available system functionality is to register
     *                      licenses")
     * @param reservedHosts the reserved Host licenses when licensed by reservation, else null
     */
    public static Outcome apply(Activity activity, Set<String> holders, Set<String> deactivated, SystemSize size,
                                int dataCenters, SystemLicenses.Join join, String limitedReason,
                                Integer reservedHosts) {
        HostLicenses.Result hosts = HostLicenses.apply(holders, deactivated, activity.assign(), activity.deactivate(),
                activity.meetings(), limitedReason == null ? HostLicenses.Allowance.MEETINGS
                        : HostLicenses.Allowance.LICENSE_MANAGEMENT_ONLY, limitedReason, reservedHosts);
        SystemLicenses.Result system = SystemLicenses.of(size, dataCenters, join);
        Map<ProductLicense, Integer> usage = new EnumMap<>(ProductLicense.class);
        Expressway.put(usage, ProductLicense.HOST, hosts.holders().size());
        system.licenses().forEach((license, count) -> Expressway.put(usage, license, count));
        List<Refusal> refused = new ArrayList<>(hosts.refused());
        refused.addAll(system.refused());
        return new Outcome(usage, hosts.holders(), hosts.deactivated(), system.joined(), refused);
    }
}
