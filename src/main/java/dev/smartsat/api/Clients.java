package dev.smartsat.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smartsat.core.ClientError;
import dev.smartsat.core.EventType;
import dev.smartsat.licensing.Events;
import dev.smartsat.pki.PemFiles;
import dev.smartsat.store.ClientDao;
import dev.smartsat.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API clients and their bearer tokens. Secrets are kept only as salted BCrypt hashes; bearer tokens
 * only as SHA-256 of their 256 random bits, and they expire on the wall clock (SPEC §9), so moving
 * the simulated clock logs nobody out.
 */
public final class Clients {
    private static final Logger log = LoggerFactory.getLogger(Clients.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;
    private final Clock simulated;
    private final Clock wall;
    private final Duration tokenTtl;
    private final int bcryptCost;
    private final Map<String, ClientDao.AccessTokenRow> cache = new ConcurrentHashMap<>();

    /** An authenticated caller. */
    public record Principal(String clientId, Role role) {}

    /** A client as listed: never its secret. */
    public record ClientInfo(String clientId, String name, String role, Instant createdAt) {}

    /** A new client's credentials, shown once. */
    public record Credentials(String clientId, String clientSecret) {}

    /** A bearer token just issued. */
    public record AccessToken(String value, long expiresInSeconds) {}

    public Clients(Store store, Clock simulated, Clock wall, Duration tokenTtl, int bcryptCost) {
        this.store = store;
        this.simulated = simulated;
        this.wall = wall;
        this.tokenTtl = tokenTtl;
        this.bcryptCost = bcryptCost;
    }

    /**
     * Creates the {@code admin} client on a store that has none (SPEC §1): from the environment when
     * both values are given, else with a random secret written to admin-credentials.json, mode 0600.
     */
    public void bootstrap(Path dataDir, Map<String, String> env) {
        if (store.read(h -> Store.dao(h, ClientDao.class).count()) > 0) {
            return;
        }
        String id = nonBlank(env.get("SMARTSAT_ADMIN_CLIENT_ID")).orElse("admin");
        Optional<String> given = nonBlank(env.get("SMARTSAT_ADMIN_CLIENT_SECRET"));
        String secret = given.orElseGet(Clients::randomSecret);
        String hash = hash(secret);
        Path file = dataDir.resolve("admin-credentials.json");
        // A generated secret exists only together with its file (SPEC §13): the file is written inside the
        // transaction that saves the client, so a failed write saves no client and the next start tries again.
        store.write(h -> {
            Store.dao(h, ClientDao.class).insert(id, "admin", Role.ADMIN.wireName(), hash, wall.instant());
            Events.recordGlobal(h, simulated.instant(), EventType.CLIENT_CREATED,
                    "Bootstrap API client '" + id + "' created with role admin");
            if (given.isEmpty()) {
                writeCredentials(file, new Credentials(id, secret));
            }
            return null;
        });
        if (given.isPresent()) {
            log.info("created the bootstrap admin client '{}' from SMARTSAT_ADMIN_CLIENT_ID/SECRET", id);
        } else {
            log.info("created the bootstrap admin client '{}'; its credentials are in {}", id, file.toAbsolutePath());
        }
    }

    private static void writeCredentials(Path file, Credentials credentials) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("client_id", credentials.clientId());
        body.put("client_secret", credentials.clientSecret());
        byte[] bytes;
        try {
            bytes = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the credentials", e);
        }
        try {
            PemFiles.writeSecretFile(file, bytes);
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot write the bootstrap admin credentials to " + file.toAbsolutePath()
                    + " (" + e.getCause().getMessage() + "); no admin was created, fix the path and start again", e);
        }
    }

    /** The client-credentials grant: a bearer token for a known client with the right secret. */
    public AccessToken issueToken(String clientId, String clientSecret) {
        var client = store.read(h -> Store.dao(h, ClientDao.class).byClientId(clientId));
        // Check a dummy hash for unknown clients too, so timing does not tell which ids exist.
        String hash = client.map(ClientDao.ClientRow::secretHash).orElse(DUMMY_HASH);
        boolean ok = OpenBSDBCrypt.checkPassword(hash, bcryptInput(clientSecret));
        if (client.isEmpty() || !ok) {
            throw new ClientError.Unauthorized("unknown client_id or wrong client_secret");
        }
        String value = randomSecret();
        Instant expires = wall.instant().plus(tokenTtl);
        store.write(h -> {
            ClientDao dao = Store.dao(h, ClientDao.class);
            dao.deleteExpiredTokens(wall.instant());
            dao.insertToken(sha256(value), clientId, expires);
            return null;
        });
        return new AccessToken(value, tokenTtl.toSeconds());
    }

    /** The caller a bearer token belongs to, or 401 when it is unknown or expired. */
    public Principal authenticate(String bearer) {
        String key = sha256(bearer);
        ClientDao.AccessTokenRow row = cache.get(key);
        if (row == null) {
            row = store.read(h -> Store.dao(h, ClientDao.class).token(key)).orElse(null);
            if (row != null) {
                cache.put(key, row);
            }
        }
        if (row == null) {
            throw new ClientError.Unauthorized("the bearer token is not valid; get a new one from /backend/oauth/token");
        }
        if (!wall.instant().isBefore(row.expiresAt())) {
            cache.remove(key);
            throw new ClientError.Unauthorized("the bearer token has expired; get a new one from /backend/oauth/token");
        }
        Role role = Role.parse(row.role()).orElseThrow(() -> new ClientError.Unauthorized("the client's role is unknown"));
        return new Principal(row.clientId(), role);
    }

    public Credentials create(String name, Role role) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 200) {
            throw new ClientError.Unprocessable("name", "name must be 1 to 200 characters");
        }
        String id = "client-" + randomSecret().substring(0, 16);
        String secret = randomSecret();
        String hash = hash(secret);
        store.write(h -> {
            Store.dao(h, ClientDao.class).insert(id, clean, role.wireName(), hash, wall.instant());
            Events.recordGlobal(h, simulated.instant(), EventType.CLIENT_CREATED,
                    "API client '" + id + "' (" + clean + ") created with role " + role.wireName());
            return null;
        });
        return new Credentials(id, secret);
    }

    public List<ClientInfo> list(int limit, int offset) {
        return store.read(h -> Store.dao(h, ClientDao.class).list(limit, offset).stream()
                .map(c -> new ClientInfo(c.clientId(), c.name(), c.role(), c.createdAt())).toList());
    }

    public long count() {
        return store.read(h -> Store.dao(h, ClientDao.class).count());
    }

    /** Removes a client and every token it holds; the last admin cannot be removed. */
    public void remove(String clientId) {
        store.write(h -> {
            ClientDao dao = Store.dao(h, ClientDao.class);
            var client = dao.byClientId(clientId)
                    .orElseThrow(() -> new ClientError.NotFound("no API client with id '" + clientId + "'"));
            if (client.role().equals(Role.ADMIN.wireName()) && dao.countWithRole(Role.ADMIN.wireName()) <= 1) {
                throw new ClientError.Conflict("'" + clientId + "' is the last admin client; create another admin first");
            }
            dao.delete(clientId);
            Events.recordGlobal(h, simulated.instant(), EventType.CLIENT_REMOVED, "API client '" + clientId + "' removed");
            return null;
        });
        cache.values().removeIf(row -> row.clientId().equals(clientId));
    }

    private String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(bcryptInput(secret), salt, bcryptCost);
    }

    /**
     * BCrypt reads only 72 bytes, so a long secret would match any other with the same start; the
     * secret's SHA-256 (44 base64 characters) goes in instead.
     */
    private static char[] bcryptInput(String secret) {
        return Base64.getEncoder().encodeToString(digest(secret)).toCharArray();
    }

    private static final String DUMMY_HASH = OpenBSDBCrypt.generate("dummy".toCharArray(), new byte[16], 10);

    static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String value) {
        return HexFormat.of().formatHex(digest(value));
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
