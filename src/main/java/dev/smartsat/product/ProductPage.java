package dev.smartsat.product;

import dev.smartsat.agent.DeviceState;
import dev.smartsat.agent.DeviceState.Authorization;
import dev.smartsat.agent.DeviceState.EntitlementStatus;
import dev.smartsat.agent.DeviceState.Registration;
import dev.smartsat.agent.DeviceStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The product's Smart Licensing page (003:565-646) at an instant: registration and license authorization status,
 * accounts, export-controlled functionality, and each license type in use with its current usage and status, in
 * the documents' words.
 */
public record ProductPage(Profile profile, String registrationStatus, String authorizationStatus, String smartAccount,
                          String virtualAccount, String exportControlled, String productInstanceIdentifier,
                          String udi, String transportUrl, long evaluationDaysLeft, Instant registrationExpires,
                          Instant nextRenewal, Instant nextAuthorization, Instant communicationDeadline,
                          String lastFailure, String confirmationCode, List<Line> licenses, List<Refusal> refused) {
    // 003:568-574, the registration status vocabulary
    static final String REGISTERED = "Registered";
    static final String UNREGISTERED = "Unregistered";
    static final String EXPIRED = "Unregistered: Registration Expired";
    static final String PENDING = "Unregistered: Registration Pending";
    static final String FAILED = "Unregistered: Registration Failed";
    // 003:579-590, the license authorization status vocabulary
    static final String AUTHORIZED = "Authorized";
    static final String AUTHORIZATION_EXPIRED = "Authorization Expired";
    static final String OUT_OF_COMPLIANCE = "Out-of-compliance";
    static final String NO_LICENSES = "No Licenses in Use";
    static final String EVALUATION_MODE = "Evaluation Mode";
    static final String EVALUATION_EXPIRED = "Evaluation Expired";

    /** One row of the license usage table (003:624-646): License type, Current usage, Status. */
    public record Line(String entitlementTag, String license, int count, String status) {
    }

    static ProductPage of(ProductState state, Instant now) {
        DeviceState device = state.device;
        Registration registration = device.registration();
        boolean reserved = device.reservation() != null;
        Instant evaluationEnds = device.firstStart().plus(Timers.EVALUATION);
        boolean evaluationLeft = now.isBefore(evaluationEnds);
        String registrationStatus = registrationStatus(state, now);
        boolean registered = REGISTERED.equals(registrationStatus);
        Authorization authorization = registered ? device.authorization() : null;
        boolean authorizationExpired = authorization != null && !now.isBefore(authorization.communicationDeadline());
        String unlicensed = evaluationLeft ? EVALUATION_MODE : EVALUATION_EXPIRED;

        Map<String, Long> reservedCounts = reserved ? Product.reservedCounts(device) : Map.of();
        List<Line> lines = new ArrayList<>();
        boolean overReservation = false;
        for (Map.Entry<ProductLicense, Integer> use : state.usage.entrySet()) {
            ProductLicense license = use.getKey();
            String status;
            if (reserved) {
                boolean fits = use.getValue() <= reservedCounts.getOrDefault(license.tag(), 0L);
                overReservation |= !fits;
                status = fits ? "Authorized" : "Out of compliance";
            } else if (!registered) {
                status = unlicensed;
            } else if (authorizationExpired) {
                status = "Authorization Expired";
            } else {
                status = entitlementStatus(authorization, license, use.getValue());
            }
            lines.add(new Line(license.tag(), license.displayName(), use.getValue(), status));
        }

        String authorizationStatus;
        if (reserved) {
            authorizationStatus = overReservation ? OUT_OF_COMPLIANCE : AUTHORIZED;
        } else if (!registered || authorization == null) {
            authorizationStatus = unlicensed;
        } else if (authorizationExpired) {
            authorizationStatus = AUTHORIZATION_EXPIRED;
        } else {
            authorizationStatus = switch (authorization.status()) {
                case "AUTHORIZED" -> AUTHORIZED;
                case "OUT_OF_COMPLIANCE" -> OUT_OF_COMPLIANCE;
                case "NO_LICENSES_IN_USE" -> NO_LICENSES;
                default -> "Not Applicable";
            };
        }
        Registration shown = device.hasRegistration() ? registration : null;
        String piid = reserved ? device.reservation().productInstanceIdentifier()
                : shown == null ? null : shown.productInstanceIdentifier();
        return new ProductPage(state.profile, registrationStatus, authorizationStatus,
                shown == null ? null : shown.smartAccount(), shown == null ? null : shown.virtualAccount(),
                registered && "ALLOWED".equals(registration.exportControlled()) ? DeviceStatus.ALLOWED
                        : DeviceStatus.NOT_ALLOWED,
                piid, device.identity().udi(), state.url,
                registered || reserved || !evaluationLeft ? 0 : ceilDays(Duration.between(now, evaluationEnds)),
                shown == null ? null : shown.registrationExpires(),
                registered ? state.certIssuedAt.plus(Timers.RENEWAL) : null,
                registered && state.lastAuthorized != null ? state.lastAuthorized.plus(Timers.AUTHORIZATION) : null,
                authorization == null ? null : authorization.communicationDeadline(),
                device.lastFailure() == null ? null : device.lastFailure().operation() + ": "
                        + device.lastFailure().describe(),
                reserved ? device.reservation().confirmationCode() : null, List.copyOf(lines),
                List.copyOf(state.refused));
    }

    private static String registrationStatus(ProductState state, Instant now) {
        DeviceState device = state.device;
        if (device.reservation() != null) {
            return DeviceStatus.RegistrationStatus.RESERVED.label();
        }
        if (state.pending != null) {
            return PENDING;
        }
        return switch (device.registrationState()) {
            case UNREGISTERED -> UNREGISTERED;
            case REGISTRATION_FAILED -> FAILED;
            case REGISTRATION_EXPIRED -> EXPIRED;
            case REGISTERED -> now.isBefore(device.registration().registrationExpires()) ? REGISTERED : EXPIRED;
        };
    }

    /** 003:637-646, the per-license status: the satellite's verdict on the count last reported, else Waiting. */
    private static String entitlementStatus(Authorization authorization, ProductLicense license, int count) {
        if (authorization == null) {
            return "Waiting";
        }
        for (EntitlementStatus e : authorization.entitlements()) {
            if (e.tag().equals(license.tag())) {
                if (e.count() != count || e.status() == null) {
                    return "Waiting";
                }
                return switch (e.status()) {
                    case "AUTHORIZED" -> "Authorized";
                    case "OUT_OF_COMPLIANCE" -> "Out of compliance";
                    case "INVALID_TAG" -> "Invalid-tag";
                    default -> "Invalid";
                };
            }
        }
        return "Waiting";
    }

    private static long ceilDays(Duration left) {
        long days = left.toDays();
        return left.equals(Duration.ofDays(days)) ? days : days + 1;
    }

    /** The page as text: every field, in the documents' words, "-" where there is nothing to show. */
    public List<String> render() {
        List<String> out = new ArrayList<>();
        out.add(profile.title() + " - Smart Licensing");
        row(out, "Smart licensing mode", "On");
        row(out, "Transport settings", "Smart Software Manager On-Prem " + transportUrl);
        row(out, "Registration status", registrationStatus);
        String authorization = authorizationStatus;
        if (EVALUATION_MODE.equals(authorizationStatus)) {
            authorization += " (" + evaluationDaysLeft + (evaluationDaysLeft == 1 ? " day" : " days") + " remaining)";
        }
        row(out, "License authorization status", authorization);
        row(out, "Smart account", smartAccount);
        row(out, "Virtual account", virtualAccount);
        row(out, "Export-Controlled Functionality", exportControlled);
        row(out, "Product instance identifier", productInstanceIdentifier);
        row(out, "UDI", udi);
        row(out, "Registration expires", format(registrationExpires));
        row(out, "Next registration renewal", format(nextRenewal));
        row(out, "Next authorization renewal", format(nextAuthorization));
        row(out, "Authorization expires", format(communicationDeadline));
        if (confirmationCode != null) {
            row(out, "Confirmation code", confirmationCode);
        }
        if (lastFailure != null) {
            row(out, "Last failure", lastFailure);
        }
        out.add("License usage");
        out.add(String.format("  %-62s %-13s %s", "License type", "Current usage", "Status"));
        if (licenses.isEmpty()) {
            out.add("  (no license type in use)");
        }
        for (Line line : licenses) {
            out.add(String.format("  %-62s %-13d %s", line.license(), line.count(), line.status()));
        }
        for (Refusal r : refused) {
            out.add("Refused: " + r.what() + " - " + r.reason());
        }
        return out;
    }

    private static void row(List<String> out, String label, String value) {
        out.add(String.format("  %-34s %s", label + ":", value == null ? "-" : value));
    }

    private static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
