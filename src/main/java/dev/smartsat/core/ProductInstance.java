package dev.smartsat.core;

import java.time.Instant;

/** A product instance registered to the satellite, as stored. */
public record ProductInstance(
        long id,
        String piid,
        long virtualAccountId,
        String udiPid,
        String udiSerial,
        String udiUuid,
        String hostname,
        String softwareTag,
        boolean exportControlled,
        Instant registeredAt,
        Instant lastContactAt,
        String certSerial,
        String certPublicKey,
        Instant certIssuedAt,
        Instant registrationExpiresAt,
        Instant lastAuthAt,
        Instant authorizationExpiresAt,
        String authorizationStatus,
        String reservationStatus) {

    /** The management API's registrationStatus values. */
    public static final String REGISTERED = "REGISTERED";
    public static final String REGISTRATION_EXPIRED = "REGISTRATION_EXPIRED";
    /** A Specific License Reservation: licensed by a code typed into the device, never in contact. */
    public static final String RESERVED = "RESERVED";
    /** A reservation whose update awaits the device's confirmation code. */
    public static final String PENDING_CONFIRMATION = "PENDING_CONFIRMATION";

    /** The authorization statuses of SPEC §3. */
    public static final String AUTHORIZED = "AUTHORIZED";
    public static final String OUT_OF_COMPLIANCE = "OUT_OF_COMPLIANCE";
    public static final String NO_LICENSES_IN_USE = "NO_LICENSES_IN_USE";
    public static final String AUTHORIZATION_EXPIRED = "AUTHORIZATION_EXPIRED";
    public static final String INVALID_TAG = "INVALID_TAG";

    public String udi() {
        return "P:" + udiPid + ",S:" + udiSerial;
    }

    public boolean registrationLapsed(Instant now) {
        return !now.isBefore(registrationExpiresAt);
    }

    /** Whether this instance is a Specific License Reservation rather than a smart-licensed device. */
    public boolean reserved() {
        return reservationStatus != null;
    }

    public String registrationStatus(Instant now) {
        if (reserved()) {
            return RESERVED;
        }
        return registrationLapsed(now) ? REGISTRATION_EXPIRED : REGISTERED;
    }

    /** The status an administrator sees: the last answer, unless authorization has since lapsed. */
    public String authorizationStatus(Instant now) {
        if (authorizationExpiresAt != null && !now.isBefore(authorizationExpiresAt)) {
            return AUTHORIZATION_EXPIRED;
        }
        return authorizationStatus == null ? NO_LICENSES_IN_USE : authorizationStatus;
    }

    /** When this instance's usage stops counting: the earlier of its registration and authorization expiry. */
    public Instant liveUntil() {
        if (authorizationExpiresAt == null || registrationExpiresAt.isBefore(authorizationExpiresAt)) {
            return registrationExpiresAt;
        }
        return authorizationExpiresAt;
    }
}
