package dev.smartsat.core;

/**
 * {@code limit} (1–1000, default 50) and {@code offset} (default 0) of every list (SPEC §4), read from text the
 * same way by the management API's query and the console's paging links.
 */
public record Paging(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public static Paging of(String limitText, String offsetText) {
        int limit = parse("limit", limitText, DEFAULT_LIMIT);
        int offset = parse("offset", offsetText, 0);
        return check(limit, offset);
    }

    public static Paging check(long limit, long offset) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ClientError.BadRequest("limit", "limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        }
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            throw new ClientError.BadRequest("offset", "offset must be zero or more, not " + offset);
        }
        return new Paging((int) limit, (int) offset);
    }

    private static int parse(String name, String text, int fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String digits = text.strip();
        if (!digits.matches("[+-]?[0-9]+")) {
            throw new ClientError.BadRequest(name, name + " must be a whole number, not '" + text + "'");
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            String bound = name.equals("limit") ? "between 1 and " + MAX_LIMIT : "from 0 to " + Integer.MAX_VALUE;
            throw new ClientError.BadRequest(name, name + " must be " + bound + ", not " + digits);
        }
    }
}
