package dev.smartsat.auth;

import dev.smartsat.store.SessionDao;
import dev.smartsat.store.Store;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The web console's sign-in sessions (SPEC §12): a random id the browser keeps in a cookie, stored only as its
 * SHA-256 with the client, its role and a CSRF token, and ending on the wall clock after the bearer-token
 * lifetime, so moving the simulated clock signs nobody out.
 */
public final class ConsoleSessions {
    private final Clients clients;
    private final Store store;
    private final Clock wall;
    private final Duration ttl;

    /** A live session: who, with which role, and the token its state-changing requests must carry. */
    public record Session(String clientId, Role role, String csrfToken, Instant expiresAt) {
        /** Whether this session's role may change state (a viewer only reads, as in the API). */
        public boolean mayWrite() {
            return role != Role.VIEWER;
        }

        /** Whether {@code given} is this session's CSRF token, compared in constant time. */
        public boolean csrfMatches(String given) {
            return given != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
                    given.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A session just started: the id for the cookie (held nowhere else) and the session. */
    public record SignedIn(String id, Session session) {}

    ConsoleSessions(Clients clients, Store store, Clock wall, Duration ttl) {
        this.clients = clients;
        this.store = store;
        this.wall = wall;
        this.ttl = ttl;
    }

    /** How long a session lives, for the cookie's Max-Age. */
    public Duration lifetime() {
        return ttl;
    }

    /** Checks the credentials as the token grant does (401 when wrong) and starts a session. */
    public SignedIn signIn(String clientId, String clientSecret) {
        Role role = clients.check(clientId, clientSecret);
        String id = Secrets.random();
        Session session = new Session(clientId, role, Secrets.random(), wall.instant().plus(ttl));
        store.write(tx -> {
            SessionDao dao = tx.sessions();
            dao.deleteExpired(wall.instant());
            dao.insert(Secrets.sha256(id), clientId, role.wireName(), session.csrfToken(), session.expiresAt());
            return null;
        });
        return new SignedIn(id, session);
    }

    /** The live session a cookie's id names; none when unknown, expired, or its client was removed. */
    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        return store.read(tx -> tx.sessions().byHash(Secrets.sha256(id)))
                .filter(row -> wall.instant().isBefore(row.expiresAt()))
                .flatMap(row -> Role.parse(row.role())
                        .map(role -> new Session(row.clientId(), role, row.csrfToken(), row.expiresAt())));
    }

    /** Ends a session on the server: its cookie names nothing afterwards. */
    public void signOut(String id) {
        if (id == null || id.isEmpty()) {
            return;
        }
        store.write(tx -> tx.sessions().delete(Secrets.sha256(id)));
    }

    /** A fresh random value, for the sign-in form's own CSRF token. */
    public static String randomToken() {
        return Secrets.random();
    }
}
