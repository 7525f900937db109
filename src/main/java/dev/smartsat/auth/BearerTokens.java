package dev.smartsat.auth;

import dev.smartsat.core.ClientError;
import dev.smartsat.store.ClientDao;
import dev.smartsat.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Bearer tokens of the management API: issued for a checked client, kept only as the SHA-256 of their value,
 * and expiring on the wall clock (SPEC §9), so moving the simulated clock logs nobody out.
 */
public final class BearerTokens {
    // Every check reads the store: one primary-key lookup joined to the client's row. Until issue 15 a cache kept
    // tokens in memory until they expired (95% of lookups hit in the fleet run), but SPEC §10 has several nodes on
    // one database, and a client removed on one node must lose its tokens on every node at once. A cache that
    // checked each hit against the store would cost the very read it saves, so there is none; a management call
    // costs one read more (two for one with a body, checked before the body is read and again by its route),
    // tens of microseconds on SQLite against the milliseconds of the call.

    private final Store store;
    private final Clock wall;
    private final Duration ttl;

    /** A bearer token just issued. */
    public record AccessToken(String value, long expiresInSeconds) {}

    BearerTokens(Store store, Clock wall, Duration ttl) {
        this.store = store;
        this.wall = wall;
        this.ttl = ttl;
    }

    /** A new token for {@code clientId}, whose secret the caller has checked. */
    AccessToken issue(String clientId) {
        String value = Secrets.random();
        Instant expires = wall.instant().plus(ttl);
        store.write(tx -> {
            ClientDao dao = tx.clients();
            dao.deleteExpiredTokens(wall.instant());
            dao.insertToken(Secrets.sha256(value), clientId, expires);
            return null;
        });
        return new AccessToken(value, ttl.toSeconds());
    }

    /** The caller a bearer token belongs to, or 401 when it is unknown, expired, or its client was removed. */
    public Principal authenticate(String bearer) {
        ClientDao.AccessTokenRow row = store.read(tx -> tx.clients().token(Secrets.sha256(bearer))).orElseThrow(
                () -> new ClientError.Unauthorized("the bearer token is not valid; get a new one from /backend/oauth/token"));
        if (!wall.instant().isBefore(row.expiresAt())) {
            throw new ClientError.Unauthorized("the bearer token has expired; get a new one from /backend/oauth/token");
        }
        Role role = Role.parse(row.role()).orElseThrow(() -> new ClientError.Unauthorized("the client's role is unknown"));
        return new Principal(row.clientId(), role);
    }
}
