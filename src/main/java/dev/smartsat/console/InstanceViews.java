package dev.smartsat.console;

import dev.smartsat.core.ProductInstance;
import dev.smartsat.reservation.Devices;
import dev.smartsat.reservation.Reservation;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the Product Instances tab's templates show: the list page, the details page, and their wording helpers. */
public final class InstanceViews {
    /** The details page's forms, by the name a refusal is shown under. */
    public static final String REMOVE = "remove";
    public static final String TRANSFER = "transfer";
    public static final String UPDATE = "update";
    public static final String CONFIRM = "confirm";
    public static final String RETURN = "return";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private InstanceViews() {}

    /** An instant as administrators read it, to the minute in UTC; empty for none. */
    public static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** A status of the API ({@code REGISTRATION_EXPIRED}) as a person reads it ({@code Registration Expired}). */
    public static String label(String status) {
        if (status == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String word : status.toLowerCase(Locale.ROOT).split("_")) {
            out.append(out.length() == 0 ? "" : " ").append(Character.toUpperCase(word.charAt(0)))
                    .append(word.substring(1));
        }
        return out.toString();
    }

    /** One row of the list; {@code licenses} names what the instance uses ("2 × C9300 Network Advantage"). */
    public record Row(String piid, String path, String hostName, String pid, String serial, String registrationStatus,
                      String authorizationStatus, Instant lastContact, String licenses) {}

    /**
     * A page of a virtual account's instances with the search ({@code q}) and status filter it was asked for; {@code
     * limit} is null unless the URL named one; {@code previous} and {@code next} are null at either end.
     */
    public record InstanceList(Views.Header header, String account, String virtualAccount, List<Views.Tab> tabs,
                               String path, String q, String status, List<String> statuses, Integer limit,
                               List<Row> rows, long total, long from, long to, String previous, String next) {}

    /** One tag an instance uses, with the name of its license. */
    public record UsageLine(String license, String entitlementTag, long quantity, String status) {}

    /**
     * One tag of the Update Reservation form: what the reservation holds of it now and awaiting confirmation, the
     * pool's balance, and what the quantity field shows ({@code value}, empty for none).
     */
    public record ReservedLine(int index, String license, String entitlementTag, long inForce, Long pending,
                               Long balance, String value) {}

    /** A form the domain refused ({@code form} names it): its words, and what was typed, shown again. */
    public record Refusal(String form, String message, Map<String, String> typed) {
        public String typed(String field) {
            return typed.getOrDefault(field, "");
        }
    }

    /**
     * An instance's details: everything the API's device JSON has, its license usage, and the forms a writer may
     * use ({@code targets} the other virtual accounts it may move to); {@code refusal} is null unless a form was
     * refused.
     */
    public record InstanceDetails(Views.Header header, String account, String virtualAccount, List<Views.Tab> tabs,
                                  String path, String listPath, Devices.Device device, List<UsageLine> usage,
                                  List<ReservedLine> reserved, List<String> targets, Refusal refusal) {
        public ProductInstance instance() {
            return device.instance();
        }

        public Reservation reservation() {
            return device.reservation();
        }

        public boolean pending() {
            return reservation() != null && reservation().pendingAuthorizationCode() != null;
        }

        /** The refusal's words when {@code form} was the one refused, else null. */
        public String error(String form) {
            return refusal != null && refusal.form().equals(form) ? refusal.message() : null;
        }

        /**
         * The refusal's words when its form is not on the page (a post to a reservation's form for an instance that
         * has none, say), so they are shown above the details instead; else null.
         */
        public String unplacedError() {
            if (refusal == null) {
                return null;
            }
            boolean placed = switch (refusal.form()) {
                case CONFIRM -> pending();
                case UPDATE, RETURN -> reservation() != null;
                default -> true;
            };
            return placed ? null : refusal.message();
        }

        /** What the field showed when its form was refused. */
        public String typed(String field) {
            return refusal == null ? "" : refusal.typed(field);
        }
    }
}
