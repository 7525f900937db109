package dev.smartsat.product;

import java.util.Locale;
import java.util.Optional;

/**
 * The licenses the two seed products consume, with the entitlement tags and display names of
 * {@code config/catalog.yaml} (a test keeps them equal): the product is a client and knows its own tags.
 */
public enum ProductLicense {
    // 003:132 "Each RMS license allows either 1 video call or 2 audio only SIP calls"
    RICH_MEDIA_SESSION("EXPWY_RMS", "regid.2016-07.com.cisco.EXPWY_RMS,1.0_8c1b5a4e-4c07-4f1e-9d53-1d2a7c2f0a11",
            "Expressway Rich Media Session"),
    // 003:155 "TelePresence Room System License"
    ROOM_SYSTEM("EXPWY_ROOM", "regid.2016-07.com.cisco.EXPWY_ROOM,1.0_2f6e9a7d-3b1c-4e8a-a0d4-5c9b7e1f2a22",
            "TelePresence Room System Registration"),
    // 003:156 "Desktop System License"
    DESKTOP_SYSTEM("EXPWY_DESKTOP", "regid.2016-07.com.cisco.EXPWY_DESKTOP,1.0_7d3c1e5b-9a2f-4b6d-8e1a-3f4c5d6e7a33",
            "Desktop System Registration"),
    // 000:19 "consumes a Host license for each user who hosts meetings"
    HOST("WMS_HOST", "regid.2017-02.com.cisco.WMS_HOST,4.0_5a9e2c1d-7b3f-4a8e-9c6d-1e2f3a4b5c44",
            "Webex Meetings Server Host"),
    // 000:13 "The Extended Capacity feature requires a license."; 000:244 "Large capacity license for 4000 port"
    EXTENDED_CAPACITY("WMS_EXTENDED_CAPACITY",
            "regid.2017-02.com.cisco.WMS_EXT_CAPACITY,4.0_7b8c9d0e-1f2a-4b3c-9d5e-6f7a8b9cabbb",
            "Webex Meetings Server Extended Capacity (4000 port)"),
    // 000:238 "CWMS Small MDC (capacity 250 concurrent users)"
    SMALL_MDC("WMS_MDC_SMALL", "regid.2017-02.com.cisco.WMS_MDC_SMALL,4.0_8c9d0e1f-2a3b-4c4d-8e6f-7a8b9cacbccc",
            "Webex Meetings Server Small MDC (250 concurrent users)"),
    // 000:240 "CWMS Medium MDC (capacity 800 concurrent users)"
    MEDIUM_MDC("WMS_MDC_MEDIUM", "regid.2017-02.com.cisco.WMS_MDC_MEDIUM,4.0_9d0e1f2a-3b4c-4d5e-9f7a-8b9cadbcdddd",
            "Webex Meetings Server Medium MDC (800 concurrent users)"),
    // 000:242 "CWMS Large & XL MDC (cap 2000+ concurrent users)"
    LARGE_XL_MDC("WMS_MDC_LARGE_XL",
            "regid.2017-02.com.cisco.WMS_MDC_LARGE_XL,4.0_0e1f2a3b-4c5d-4e6f-8a8b-9cadbecdeeee",
            "Webex Meetings Server Large & XL MDC (2000+ concurrent users)");

    private final String key;
    private final String tag;
    private final String displayName;

    ProductLicense(String key, String tag, String displayName) {
        this.key = key;
        this.tag = tag;
        this.displayName = displayName;
    }

    /** The catalog's short name, as the seed uses it. */
    public String key() {
        return key;
    }

    public String tag() {
        return tag;
    }

    public String displayName() {
        return displayName;
    }

    public static Optional<ProductLicense> byTag(String tag) {
        for (ProductLicense l : values()) {
            if (l.tag.equals(tag)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** A scenario's {@code license}: the display name, the tag or the catalog key, any case for names. */
    public static Optional<ProductLicense> byName(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (ProductLicense l : values()) {
            if (l.tag.equals(name.strip()) || l.displayName.toLowerCase(Locale.ROOT).equals(wanted)
                    || l.key.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
