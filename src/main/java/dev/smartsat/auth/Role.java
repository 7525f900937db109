package dev.smartsat.auth;

import dev.smartsat.core.ClientError;
import java.util.Locale;
import java.util.Optional;

/** Management API roles (SPEC §4), from most to least powerful; stored and sent by their wire names. */
public enum Role {
    /** Everything. */
    ADMIN,
    /** Everything but API clients and simulation controls. */
    OPERATOR,
    /** GET only. */
    VIEWER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
        for (Role r : values()) {
            if (r.wireName().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** {@code text} as a role, or the 422 a new client's role gets for any other word (API and console alike). */
    public static Role required(String text) {
        return parse(text).orElseThrow(() -> new ClientError.Unprocessable("role",
                "role must be admin, operator or viewer, not '" + text + "'"));
    }
}
