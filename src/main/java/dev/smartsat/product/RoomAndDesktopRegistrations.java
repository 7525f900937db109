package dev.smartsat.product;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Expressway document's "Room and Desktop Registrations" rule: which registration license, and how many,
 * endpoints registered to the Expressway use.
 */
public final class RoomAndDesktopRegistrations {
    private static final Pattern VERSION = Pattern.compile("^\\s*(TC|CE|RoomOS)\\s*([0-9]{1,9}(?:\\.[0-9]{1,9})*)",
            Pattern.CASE_INSENSITIVE);

    /** Room and desktop licenses in use. */
    public record Licenses(int room, int desktop) {
        public Licenses plus(Licenses other) {
            return new Licenses(room + other.room, desktop + other.desktop);
        }
    }

    private RoomAndDesktopRegistrations() {
    }

    /**
     * The licenses {@code r} uses, all its devices and aliases together.
     * <ul>
     * <li>003:227 "Registrations are counted per alias, not per device" — an MCU with 3 aliases uses 3 rooms;</li>
     * <li>003:223 "SIP proxy registrations on the Cisco Expressway-E do not consume licenses", while 003:222 proxy
     *     registrations on Expressway-C count as direct ones;</li>
     * <li>003:170 "For H.323 deployments, all endpoints consume a TelePresence Room System License";</li>
     * <li>003:192-195 a device registered "both as SIP and as H.323" uses the SIP registration's license and a
     *     room license for the H.323 one;</li>
     * <li>SIP: {@link #isDesktopSystem} decides desktop, "all other devices are considered room systems" (003:157).</li>
     * </ul>
     */
    public static Licenses of(EndpointRegistration r) {
        if (r.via() == EndpointRegistration.Via.PROXY_E) {
            return new Licenses(0, 0);
        }
        int each = r.aliases() * r.count();
        boolean desktop = isDesktopSystem(r.model(), r.software());
        return switch (r.protocol()) {
            case SIP -> desktop ? new Licenses(0, each) : new Licenses(each, 0);
            case H323 -> new Licenses(each, 0);
            case SIP_AND_H323 -> desktop ? new Licenses(each, each) : new Licenses(2 * each, 0);
        };
    }

    /**
     * Whether a SIP registration of {@code model} running {@code software} is a desktop system.
     * 003:158-162 EX60, EX90, DX70, DX80 and "Cisco Jabber Video for TelePresence (Movi)" clients; 003:167-169
     * "DX systems must be running version CE8.2 or later, and EX systems must be running TC7.3.6 or later";
     * earlier versions "will consume a room system license".
     */
    public static boolean isDesktopSystem(String model, String software) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.contains("movi") || m.contains("jabber video")) {
            return true;
        }
        if (m.contains("ex60") || m.contains("ex90")) {
            return atLeast(software, "TC", new int[] {7, 3, 6});
        }
        if (m.contains("dx70") || m.contains("dx80")) {
            return atLeast(software, "CE", new int[] {8, 2});
        }
        return false;
    }

    /**
     * Whether {@code software} is {@code family} {@code minimum} or a later release. The endpoint software families
     * follow one another TC → CE → RoomOS, so a later family is a later release; software whose family this rule
     * does not know cannot be shown to meet the note's minimum and counts as earlier.
     */
    static boolean atLeast(String software, String family, int[] minimum) {
        Matcher v = VERSION.matcher(software == null ? "" : software);
        if (!v.find()) {
            return false;
        }
        int have = familyOrder(v.group(1));
        int want = familyOrder(family);
        if (have != want) {
            return have > want;
        }
        String[] parts = v.group(2).split("\\.");
        for (int i = 0; i < minimum.length; i++) {
            int part = i < parts.length ? Integer.parseInt(parts[i]) : 0;
            if (part != minimum[i]) {
                return part > minimum[i];
            }
        }
        return true;
    }

    private static int familyOrder(String family) {
        return switch (family.toUpperCase(Locale.ROOT)) {
            case "TC" -> 0;
            case "CE" -> 1;
            default -> 2; // RoomOS
        };
    }
}
