package dev.smartsat.agent;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One line of a device's license usage, {@code TAG=COUNT} on the command line, {@code {"tag","count"}} on the wire. */
public record Entitlement(String tag, int count) {
    public Entitlement {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("an entitlement needs a tag");
        }
        if (count < 0) {
            throw new IllegalArgumentException("the count of " + tag + " must be 0 or more, not " + count);
        }
    }

    /**
     * Reads {@code TAG=COUNT}. The split is at the last {@code =} because a tag is free text for the device
     * (ISO 19770-2 tags hold {@code ,} {@code _} and {@code .}) while a count never holds one.
     */
    public static Entitlement parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected TAG=COUNT");
        }
        int eq = text.lastIndexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected TAG=COUNT, got '" + text + "' (no '=')");
        }
        String tag = text.substring(0, eq).strip();
        String count = text.substring(eq + 1).strip();
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("expected TAG=COUNT, got '" + text + "' (empty tag)");
        }
        if (tag.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("an entitlement tag has no spaces: '" + tag + "'");
        }
        if (count.isEmpty() || !count.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the count in '" + text + "' must be a whole number of 0 or more");
        }
        try {
            return new Entitlement(tag, Integer.parseInt(count));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the count in '" + text + "' is too large");
        }
    }

    @Override
    public String toString() {
        return tag + "=" + count;
    }

    /** Lets picocli report a bad {@code --entitlement} as a usage error naming the option. */
    public static final class Converter implements ITypeConverter<Entitlement> {
        @Override
        public Entitlement convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
