package dev.smartsat.product;

import java.util.Optional;

/**
 * The Webex Meetings Server deployment sizes, 000:13 "micro (50), small (250), medium (800) and large (2000)" and
 * the extra large system of up to 4000 ports, each with the multi-data-center license of its size (000:238-242).
 */
public enum SystemSize {
    MICRO("micro", null),
    SMALL("small", ProductLicense.SMALL_MDC),
    MEDIUM("medium", ProductLicense.MEDIUM_MDC),
    LARGE("large", ProductLicense.LARGE_XL_MDC),
    EXTRA_LARGE("extra-large", ProductLicense.LARGE_XL_MDC);

    private final String word;
    private final ProductLicense multiDataCenter;

    SystemSize(String word, ProductLicense multiDataCenter) {
        this.word = word;
        this.multiDataCenter = multiDataCenter;
    }

    public String word() {
        return word;
    }

    /** The multi-data-center license of this size; a micro system has none (no SKU lists one). */
    public Optional<ProductLicense> multiDataCenter() {
        return Optional.ofNullable(multiDataCenter);
    }

    public static Optional<SystemSize> byWord(String word) {
        for (SystemSize s : values()) {
            if (s.word.equals(word)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
