package dev.smartsat.api;

import io.javalin.security.RouteRole;
import java.util.Locale;
import java.util.Optional;

/** Management API roles (SPEC §4), from most to least powerful. */
public enum Role implements RouteRole {
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
}
