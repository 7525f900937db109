package dev.smartsat.product;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The Webex Meetings Server document's system license rule: what a system of a size and data centers uses. */
public final class SystemLicenses {
    /** The system licenses in use, and a refused second data center when there is one. */
    public record Result(Map<ProductLicense, Integer> licenses, List<Refusal> refused, boolean joined) {
    }

    /** Why a second data center may not join yet. */
    public enum Join {
        /** Its multi-data-center license is Authorized by the satellite, or reserved. */
        LICENSED,
        /** It is not (yet): 000:15 "There is no trial period for a new Multi-data Center (MDC)". */
        NOT_LICENSED
    }

    private SystemLicenses() {
    }

    /**
     * <ul>
     * <li>000:11 "A single data center does not require a system license";</li>
     * <li>000:13 an extra large (4000 port) system: "The Extended Capacity feature requires a license";</li>
     * <li>000:15 "You must purchase MDC licenses for your system size, before you join the data centers" — one
     *     multi-data-center license per data center joined; a micro system has no MDC SKU, so it cannot join.</li>
     * </ul>
     */
    public static Result of(SystemSize size, int dataCenters, Join join) {
        Map<ProductLicense, Integer> used = new EnumMap<>(ProductLicense.class);
        List<Refusal> refused = new ArrayList<>();
        if (size == SystemSize.EXTRA_LARGE) {
            used.put(ProductLicense.EXTENDED_CAPACITY, 1);
        }
        boolean joined = false;
        if (dataCenters >= 2) {
            if (size.multiDataCenter().isEmpty()) {
                refused.add(new Refusal("data center 2", "a micro system has no multi-data-center license, so a second"
                        + " data center cannot join"));
            } else if (join == Join.NOT_LICENSED) {
                refused.add(new Refusal("data center 2", "there is no trial period for a Multi-data Center: the "
                        + size.multiDataCenter().get().displayName() + " must be authorized before the data centers"
                        + " join"));
            } else {
                used.put(size.multiDataCenter().get(), dataCenters);
                joined = true;
            }
        }
        return new Result(used, refused, joined);
    }

    /** What the system would use with its data centers joined: what it asks the satellite for. */
    public static Map<ProductLicense, Integer> wanted(SystemSize size, int dataCenters) {
        return of(size, dataCenters, Join.LICENSED).licenses();
    }
}
