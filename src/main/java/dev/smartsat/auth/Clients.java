package dev.smartsat.auth;

import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.store.ClientDao;
import dev.smartsat.store.LeaseDao;
import dev.smartsat.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's clients: the bootstrap admin, clients created and removed by an admin, and the
 * client-credentials grant that turns a client's secret into a bearer token.
 */
public final class Clients {
    private static final Logger log = LoggerFactory.getLogger(Clients.class);

    private final Store store;
    private final Clock simulated;
    private final Clock wall;
    private final int bcryptCost;
    private final BearerTokens tokens;
    private final ConsoleSessions sessions;

    /** A client as listed: never its secret. */
    public record ClientInfo(String clientId, String name, String role, Instant createdAt) {}

    /** A new client's credentials, shown once. */
    public record Credentials(String clientId, String clientSecret) {}

    /** {@code wall} is the clock bearer tokens expire on and clients are dated by; events take {@code simulated}. */
    public Clients(Store store, Clock simulated, Clock wall, Duration tokenTtl, int bcryptCost) {
        this.store = store;
        this.simulated = simulated;
        this.wall = wall;
        this.bcryptCost = bcryptCost;
        this.tokens = new BearerTokens(store, wall, tokenTtl);
        this.sessions = new ConsoleSessions(this, store, wall, tokenTtl);
    }

    /**
     * Creates the {@code admin} client on a store that has none (SPEC §1): from the environment when
     * both values are given, else with a random secret written to {@code file}. Of several nodes starting at once
     * on a new database (SPEC §10) one creates it and writes the file in its own data dir; the others find it.
     */
    public void bootstrap(Map<String, String> env, CredentialsFile file) {
        if (count() > 0) {
            return;
        }
        String id = nonBlank(env.get("SMARTSAT_ADMIN_CLIENT_ID")).orElse("admin");
        Optional<String> given = nonBlank(env.get("SMARTSAT_ADMIN_CLIENT_SECRET"));
        String secret = given.orElseGet(Secrets::random);
        String hash = Secrets.hash(secret, bcryptCost);
        AtomicBoolean written = new AtomicBoolean();
        // A generated secret exists only together with its file (SPEC §13): the file is written inside the
        // transaction that saves the client, so a failed write saves no client and the next start tries again.
        // The transaction takes the first-start lock before it looks again: a node that started beside this one
        // may have created the admin since the look above.
        boolean created = store.write(tx -> {
            tx.leases().lock(LeaseDao.FIRST_START);
            if (tx.clients().count() > 0) {
                return false;
            }
            tx.clients().insert(id, "admin", Role.ADMIN.wireName(), hash, wall.instant());
            Events.recordGlobal(tx, simulated.instant(), EventType.CLIENT_CREATED,
                    "Bootstrap API client '" + id + "' created with role admin");
            if (given.isEmpty()) {
                file.write(new Credentials(id, secret));
                written.set(true);
            }
            return true;
        });
        if (!created) {
            if (written.get()) {
                forget(file);  // written by an attempt whose commit failed; the retry found another node's admin
            }
            log.info("the bootstrap admin client already exists: another node starting on this database created it"
                    + " (its credentials file, if generated, is in that node's data dir)");
        } else if (given.isPresent()) {
            log.info("created the bootstrap admin client '{}' from SMARTSAT_ADMIN_CLIENT_ID/SECRET", id);
        } else {
            log.info("created the bootstrap admin client '{}'; its credentials are in {}", id, file.path().toAbsolutePath());
        }
    }

    private static void forget(CredentialsFile file) {
        try {
            Files.deleteIfExists(file.path());
        } catch (IOException e) {
            log.warn("{} holds the secret of an admin that was not created; remove it ({})", file.path(), e.getMessage());
        }
    }

    /** The client-credentials grant: a bearer token for a known client with the right secret. */
    public BearerTokens.AccessToken issueToken(String clientId, String clientSecret) {
        check(clientId, clientSecret);
        return tokens.issue(clientId);
    }

    /** The role of a known client with the right secret, or 401: what both the token grant and the console's sign-in ask. */
    Role check(String clientId, String clientSecret) {
        var client = store.read(tx -> tx.clients().byClientId(clientId));
        if (!Secrets.matches(clientSecret, client.map(ClientDao.ClientRow::secretHash).orElse(null))) {
            throw new ClientError.Unauthorized("unknown client_id or wrong client_secret");
        }
        return Role.parse(client.get().role()).orElseThrow(() -> new ClientError.Unauthorized("the client's role is unknown"));
    }

    /** The web console's sessions, which last as long as a bearer token. */
    public ConsoleSessions consoleSessions() {
        return sessions;
    }

    /** The caller a bearer token belongs to, or 401 when it is unknown or expired. */
    public Principal authenticate(String bearer) {
        return tokens.authenticate(bearer);
    }

    public Credentials create(String name, Role role) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 200) {
            throw new ClientError.Unprocessable("name", "name must be 1 to 200 characters");
        }
        String id = "client-" + Secrets.random().substring(0, 16);
        String secret = Secrets.random();
        String hash = Secrets.hash(secret, bcryptCost);
        store.write(tx -> {
            tx.clients().insert(id, clean, role.wireName(), hash, wall.instant());
            Events.recordGlobal(tx, simulated.instant(), EventType.CLIENT_CREATED,
                    "API client '" + id + "' (" + clean + ") created with role " + role.wireName());
            return null;
        });
        return new Credentials(id, secret);
    }

    public List<ClientInfo> list(int limit, int offset) {
        return store.read(tx -> tx.clients().list(limit, offset).stream()
                .map(c -> new ClientInfo(c.clientId(), c.name(), c.role(), c.createdAt())).toList());
    }

    public long count() {
        return store.read(tx -> tx.clients().count());
    }

    /** Removes a client and every token it holds; the last admin cannot be removed. */
    public void remove(String clientId) {
        store.write(tx -> {
            ClientDao dao = tx.clients();
            var client = dao.byClientId(clientId)
                    .orElseThrow(() -> new ClientError.NotFound("no API client with id '" + clientId + "'"));
            if (client.role().equals(Role.ADMIN.wireName()) && dao.countWithRole(Role.ADMIN.wireName()) <= 1) {
                throw new ClientError.Conflict("'" + clientId + "' is the last admin client; create another admin first");
            }
            dao.delete(clientId);
            Events.recordGlobal(tx, simulated.instant(), EventType.CLIENT_REMOVED, "API client '" + clientId + "' removed");
            return null;
        });
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
