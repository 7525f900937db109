package dev.smartsat.agent;

import dev.smartsat.agent.DeviceState.Authorization;
import dev.smartsat.agent.DeviceState.Failure;
import dev.smartsat.agent.DeviceState.Registration;
import dev.smartsat.reservation.AuthorizationCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a product's licensing page shows for a device state at a given time (SPEC §6), computed purely: lapses
 * are judged against the device's clock, as a product does between its conversations with the satellite.
 */
public record DeviceStatus(RegistrationStatus registration,
                           AuthorizationStatus authorization,
                           List<EntitlementLine> entitlements,
                           String exportControlled,
                           String smartAccount,
                           String virtualAccount,
                           String productInstanceIdentifier,
                           String udi,
                           Instant registrationExpires,
                           Instant nextRenewalAttempt,
                           Instant nextAuthorizationAttempt,
                           Instant communicationDeadline,
                           Instant evaluationEnds,
                           long evaluationDaysRemaining,
                           Failure lastFailure,
                           Instant reservationTimestamp,
                           String confirmationCode) {
    /** How long an unregistered product may run from its first start (the products' documented 90 days). */
    public static final Duration EVALUATION_PERIOD = Duration.ofDays(90);

    public static final String ALLOWED = "Allowed";
    public static final String NOT_ALLOWED = "Not Allowed";

    /** The registration status vocabulary of the products' licensing pages. */
    public enum RegistrationStatus {
        REGISTERED("Registered"),
        RESERVED("Registered – Specific License Reservation"),
        UNREGISTERED("Unregistered"),
        REGISTRATION_EXPIRED("Unregistered – Registration Expired"),
        REGISTRATION_FAILED("Unregistered – Registration Failed");

        private final String label;

        RegistrationStatus(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The license authorization status vocabulary of the products' licensing pages. */
    public enum AuthorizationStatus {
        AUTHORIZED("Authorized"),
        AUTHORIZATION_EXPIRED("Authorization Expired"),
        OUT_OF_COMPLIANCE("Out-of-compliance"),
        NO_LICENSES_IN_USE("No Licenses in Use"),
        EVALUATION_MODE("Evaluation Mode"),
        EVALUATION_EXPIRED("Evaluation Expired");

        private final String label;

        AuthorizationStatus(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One license in use, with the per-license status wording of the products' usage table. */
    public record EntitlementLine(String tag, int count, String status) {
    }

    public static DeviceStatus of(DeviceState state, Instant now) {
        if (state.reservation() != null) {
            return reserved(state);
        }
        Registration registration = state.registration();
        RegistrationStatus registrationStatus = registrationStatus(state, now);
        boolean registered = registrationStatus == RegistrationStatus.REGISTERED;

        Instant evaluationEnds = state.firstStart().plus(EVALUATION_PERIOD);
        boolean evaluationLeft = now.isBefore(evaluationEnds);
        long daysLeft = evaluationLeft ? ceilDays(Duration.between(now, evaluationEnds)) : 0;

        Authorization authorization = registered ? state.authorization() : null;
        AuthorizationStatus authorizationStatus;
        if (authorization == null) {
            // Not registered, or registered but never authorized: the product runs on its evaluation period.
            authorizationStatus = evaluationLeft ? AuthorizationStatus.EVALUATION_MODE : AuthorizationStatus.EVALUATION_EXPIRED;
        } else if (!now.isBefore(authorization.communicationDeadline())) {
            authorizationStatus = AuthorizationStatus.AUTHORIZATION_EXPIRED;
        } else {
            authorizationStatus = switch (authorization.status()) {
                case "AUTHORIZED" -> AuthorizationStatus.AUTHORIZED;
                case "OUT_OF_COMPLIANCE" -> AuthorizationStatus.OUT_OF_COMPLIANCE;
                case "NO_LICENSES_IN_USE" -> AuthorizationStatus.NO_LICENSES_IN_USE;
                default -> throw new IllegalArgumentException("unknown authorization_status " + authorization.status());
            };
        }

        List<EntitlementLine> lines = new ArrayList<>();
        if (authorization != null) {
            for (DeviceState.EntitlementStatus e : authorization.entitlements()) {
                String status = authorizationStatus == AuthorizationStatus.AUTHORIZATION_EXPIRED
                        ? "Authorization Expired" : entitlementLabel(e.status());
                lines.add(new EntitlementLine(e.tag(), e.count(), status));
            }
        }

        boolean holdsRegistration = state.hasRegistration();
        Registration shown = holdsRegistration ? registration : null;
        return new DeviceStatus(registrationStatus, authorizationStatus, List.copyOf(lines),
                registered && "ALLOWED".equals(registration.exportControlled()) ? ALLOWED : NOT_ALLOWED,
                shown == null ? null : shown.smartAccount(),
                shown == null ? null : shown.virtualAccount(),
                shown == null ? null : shown.productInstanceIdentifier(),
                state.identity().pid() == null ? null : state.identity().udi(),
                shown == null ? null : shown.registrationExpires(),
                registered ? registration.nextRenewalAttempt() : null,
                authorization == null ? null : authorization.nextCommunicationAttempt(),
                authorization == null ? null : authorization.communicationDeadline(),
                registered ? null : evaluationEnds,
                registered ? 0 : daysLeft,
                state.lastFailure(), null, null);
    }

    /** A device licensed by an installed reservation: authorized for what it reserved, with no renewals or deadlines. */
    private static DeviceStatus reserved(DeviceState state) {
        DeviceState.InstalledReservation installed = state.reservation();
        List<EntitlementLine> lines = new ArrayList<>();
        for (AuthorizationCode.Entitlement e : AuthorizationCode.parse(installed.authorizationCode()).entitlements()) {
            String display = e.displayName().isEmpty() ? e.tag() : e.displayName() + " (" + e.tag() + ")";
            String until = e.endDate().isEmpty() ? "" : " until " + e.endDate();
            lines.add(new EntitlementLine(display, (int) e.count(), "Reserved" + until));
        }
        return new DeviceStatus(RegistrationStatus.RESERVED, AuthorizationStatus.AUTHORIZED, List.copyOf(lines),
                NOT_ALLOWED, null, null, installed.productInstanceIdentifier(), state.identity().udi(), null, null, null,
                null, null, 0, state.lastFailure(), Instant.ofEpochMilli(installed.timestamp()),
                installed.confirmationCode());
    }

    private static RegistrationStatus registrationStatus(DeviceState state, Instant now) {
        return switch (state.registrationState()) {
            case UNREGISTERED -> RegistrationStatus.UNREGISTERED;
            case REGISTRATION_FAILED -> RegistrationStatus.REGISTRATION_FAILED;
            case REGISTRATION_EXPIRED -> RegistrationStatus.REGISTRATION_EXPIRED;
            case REGISTERED -> {
                Instant expires = state.registration().registrationExpires();
                yield expires != null && !now.isBefore(expires)
                        ? RegistrationStatus.REGISTRATION_EXPIRED : RegistrationStatus.REGISTERED;
            }
        };
    }

    /** The usage table's wording for the satellite's per-entitlement status. */
    static String entitlementLabel(String wireStatus) {
        if (wireStatus == null) {
            return "Waiting";
        }
        return switch (wireStatus) {
            case "AUTHORIZED" -> "Authorized";
            case "OUT_OF_COMPLIANCE" -> "Out of compliance";
            case "INVALID_TAG" -> "Invalid-tag";
            default -> "Invalid";
        };
    }

    private static long ceilDays(Duration left) {
        long days = left.toDays();
        return left.equals(Duration.ofDays(days)) ? days : days + 1;
    }

    /** The licensing page as text, one "label: value" per line, absent values left out. */
    public List<String> render() {
        List<String> out = new ArrayList<>();
        out.add("Smart Licensing status");
        row(out, "Registration status", registration.label());
        String authorizationText = authorization.label();
        if (authorization == AuthorizationStatus.EVALUATION_MODE) {
            authorizationText += " (" + evaluationDaysRemaining + (evaluationDaysRemaining == 1 ? " day" : " days")
                    + " remaining)";
        }
        row(out, "License authorization status", authorizationText);
        row(out, "Export-controlled functionality", exportControlled);
        row(out, "Smart account", smartAccount);
        row(out, "Virtual account", virtualAccount);
        row(out, "Product instance identifier", productInstanceIdentifier);
        row(out, "UDI", udi);
        row(out, "Registration expires", format(registrationExpires));
        row(out, "Next renewal attempt", format(nextRenewalAttempt));
        row(out, "Next authorization attempt", format(nextAuthorizationAttempt));
        row(out, "Communication deadline", format(communicationDeadline));
        row(out, "Evaluation period ends", format(evaluationEnds));
        row(out, "Reservation authorization code", format(reservationTimestamp));
        row(out, "Confirmation code", confirmationCode);
        if (lastFailure != null) {
            row(out, "Last failure", format(lastFailure.time()) + " " + lastFailure.operation() + ": "
                    + lastFailure.describe());
        }
        out.add(registration == RegistrationStatus.RESERVED ? "Reserved licenses" : "License usage");
        if (entitlements.isEmpty()) {
            out.add("  (none reported)");
        }
        for (EntitlementLine line : entitlements) {
            out.add("  " + line.tag() + "  count " + line.count() + "  " + line.status());
        }
        return out;
    }

    private static void row(List<String> out, String label, String value) {
        if (value != null) {
            out.add(String.format("  %-32s %s", label + ":", value));
        }
    }

    static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
