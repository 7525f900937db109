package dev.smartsat.core;

import java.util.Arrays;

/**
 * Filter values of the lists, read one way whether the management API or the console asks: absent or blank is
 * no filter, a bad one a 400 naming it.
 */
public final class QueryValues {
    private QueryValues() {}

    /** {@code text} as one of {@code type}'s constants; {@code what} names the kind in the error ("an event type"). */
    public static <E extends Enum<E>> E enumValue(String name, String text, Class<E> type, String what) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.strip());
        } catch (IllegalArgumentException e) {
            throw new ClientError.BadRequest(name, name + " '" + text + "' is not " + what + "; use one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** {@code true} or {@code false}; null when absent or blank. */
    public static Boolean trueOrFalse(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return switch (text.strip()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new ClientError.BadRequest(name, name + " must be true or false, not '" + text + "'");
        };
    }
}
