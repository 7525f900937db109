package dev.smartsat.api;

import dev.smartsat.auth.Role;
import io.javalin.security.RouteRole;

/** What a route needs of the caller's role; declared on each route in {@link Routes}. */
public enum Access implements RouteRole {
    /** No bearer token needed (health, /SmartTransport, whose messages are signed, and the token endpoint). */
    PUBLIC,
    /** Any authenticated client: every role may read. */
    READ,
    /** Changes state: admin or operator. */
    WRITE,
    /** Clients and simulation controls: admin only. */
    ADMIN;

    public boolean allows(Role role) {
        return switch (this) {
            case PUBLIC, READ -> true;
            case WRITE -> role != Role.VIEWER;
            case ADMIN -> role == Role.ADMIN;
        };
    }
}
