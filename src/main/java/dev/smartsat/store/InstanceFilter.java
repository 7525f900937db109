package dev.smartsat.store;

import dev.smartsat.core.ProductInstance;

/**
 * The device list's {@code status} filters (SPEC §4), each twice: as the SQL condition a row must meet at {@code
 * :now}, and, for {@link InstanceTally}, as the instance classes it counts less the instances whose expiry has
 * passed. {@code classes} names the tally's class columns (see V12); null when the filter matches by expiry alone.
 */
enum InstanceFilter {
    ALL(null, "1 = 1", "1 = 1", Lapse.NONE),
    REGISTERED(ProductInstance.REGISTERED, "reservation_status IS NULL AND registration_expires_at > :now",
            "registration_class = 'REGISTERED'", Lapse.REGISTRATION),
    REGISTRATION_EXPIRED(ProductInstance.REGISTRATION_EXPIRED, "registration_expires_at <= :now", null,
            Lapse.REGISTRATION),
    AUTHORIZATION_EXPIRED(ProductInstance.AUTHORIZATION_EXPIRED, "authorization_expires_at <= :now", null,
            Lapse.AUTHORIZATION),
    NO_LICENSES_IN_USE(ProductInstance.NO_LICENSES_IN_USE, "(authorization_status IS NULL OR authorization_status"
            + " = 'NO_LICENSES_IN_USE') AND (authorization_expires_at IS NULL OR authorization_expires_at > :now)",
            "authorization_class = 'NO_LICENSES_IN_USE'", Lapse.AUTHORIZATION),
    AUTHORIZED(ProductInstance.AUTHORIZED, "authorization_status = 'AUTHORIZED' AND authorization_expires_at > :now",
            "authorization_class = 'AUTHORIZED'", Lapse.AUTHORIZATION),
    OUT_OF_COMPLIANCE(ProductInstance.OUT_OF_COMPLIANCE, "authorization_status = 'OUT_OF_COMPLIANCE'"
            + " AND authorization_expires_at > :now", "authorization_class = 'OUT_OF_COMPLIANCE'", Lapse.AUTHORIZATION);

    /** Which expiry takes instances into or out of the filter as the clock passes it. */
    enum Lapse { NONE, REGISTRATION, AUTHORIZATION }

    final String status;
    /** The condition on product_instance's columns, with the clock bound as {@code :now}. */
    final String rows;
    /** The condition on instance_tally's class columns, or null: only lapsed instances match. */
    final String classes;
    final Lapse lapse;

    InstanceFilter(String status, String rows, String classes, Lapse lapse) {
        this.status = status;
        this.rows = rows;
        this.classes = classes;
        this.lapse = lapse;
    }

    /** The filter of a {@code status} query value (null for none); RESERVED has its own queries. */
    static InstanceFilter of(String status) {
        if (status == null) {
            return ALL;
        }
        for (InstanceFilter f : values()) {
            if (status.equals(f.status)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no device list filter for status " + status);
    }

    /** Whether an instance of these classes is counted under this filter by the tally (before lapses). */
    boolean counts(String registrationClass, String authorizationClass) {
        return switch (this) {
            case ALL -> true;
            case REGISTERED -> ProductInstance.REGISTERED.equals(registrationClass);
            case REGISTRATION_EXPIRED, AUTHORIZATION_EXPIRED -> false;
            default -> status.equals(authorizationClass);
        };
    }
}
