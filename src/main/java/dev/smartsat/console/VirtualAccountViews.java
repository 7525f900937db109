package dev.smartsat.console;

import dev.smartsat.core.RegistrationToken;
import dev.smartsat.licensing.LicenseView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What the templates of a virtual account's General, Licenses and Event Log tabs show: one record per page, each
 * form's record giving back what was typed and the domain's error when it was refused.
 */
public final class VirtualAccountViews {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private VirtualAccountViews() {}

    /** Instants as a person reads them; the API's ISO-8601 stays the API's. */
    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** What every tab shows around its content: the header, the breadcrumb and the tabs; {@code path} is the VA's. */
    public record Frame(Views.Header header, String account, String virtualAccount, String path, List<Views.Tab> tabs) {}

    // General

    /** The rename / describe form; {@code description} as typed (empty for none). */
    public record RenameForm(String name, String description, String error) {}

    /** The New Token form; numbers as typed, so a refused one comes back as it was. */
    public record TokenForm(String description, String expiresAfterDays, String maxUses, boolean exportControlled,
                            String error) {}

    /** A registration token as the API's tokenInfo has it. */
    public record TokenRow(String token, String description, String created, String expires, String exportControlled,
                           String uses, String status, boolean revocable) {
        static TokenRow of(RegistrationToken t, Instant now) {
            RegistrationToken.Status status = t.status(now);
            return new TokenRow(t.token(), t.description() == null ? "" : t.description(), time(t.createdAt()),
                    time(t.expiresAt()), t.exportControlled() ? "Allowed" : "Not Allowed",
                    t.uses() + " of " + (t.maxUses() == null ? "unlimited" : t.maxUses()), status.name(),
                    status != RegistrationToken.Status.REVOKED);
        }
    }

    /** {@code tokensError}: why a Revoke or Remove was refused, shown above the table. */
    public record General(Frame frame, String description, List<TokenRow> tokens, String tokensError,
                          RenameForm rename, TokenForm tokenForm) {}

    // Licenses

    public record LicenseRow(String license, String entitlementTag, String licenseType, long purchased, long inUse,
                             long reserved, long balance, String status, String endDate) {
        static LicenseRow of(LicenseView v) {
            return new LicenseRow(v.license(), v.entitlementTag(), v.licenseType(), v.quantity(), v.inUse(),
                    v.reserved(), v.balance(), v.status(), v.endDate() == null ? "" : v.endDate().toString());
        }
    }

    public record TransferForm(String entitlementTag, String quantity, String targetVirtualAccount, String error) {}

    /** {@code targets}: the other virtual accounts of the smart account, where licenses may go. */
    public record Licenses(Frame frame, List<LicenseRow> licenses, List<String> targets, TransferForm transfer) {}

    /** One quantity input of Reserve Licenses, per pool of the virtual account; {@code value} as typed. */
    public record QuantityField(String id, String name, String label, String entitlementTag, long balance,
                                String value) {}

    /**
     * The Reserve Licenses form; {@code action} carries the CSRF token in its query (a multipart body is not read
     * before the token is checked). A refusal shows the reservation's status ERROR, the call's {@code error} and
     * each failing entry's {@code statusMessages}.
     */
    public record Reserve(Frame frame, String action, String requestCode, List<QuantityField> quantities,
                          String status, String error, List<String> statusMessages) {}

    /** What a reservation holds of one tag. */
    public record HeldRow(String license, String entitlementTag, long count) {}

    /** A reservation made: the authorization code to enter on the device, shown and offered as a file. */
    public record Reservation(Frame frame, String productInstanceIdentifier, String udi, String status,
                              String authorizationCode, List<HeldRow> licenses, String download) {}

    // Event Log

    public record EventRow(String time, String type, String productInstanceIdentifier, String message) {}

    /** A page of events; {@code previous} and {@code next} are null at either end, and keep the type filter. */
    public record EventLog(Frame frame, List<String> types, String type, List<EventRow> events, long totalRecords,
                           long first, long last, String previous, String next) {}
}
