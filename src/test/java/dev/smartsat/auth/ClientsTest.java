package dev.smartsat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.MutableClock;
import dev.smartsat.core.ClientError;
import dev.smartsat.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client store without HTTP: the bootstrap admin exists only with its credentials file, secrets become
 * bearer tokens, and a token is checked against the store at every use: an expired token, or one of a client
 * removed (on this node or another, SPEC §10), is refused at once.
 */
class ClientsTest {
    private static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path dir;

    private Store store;
    private final MutableClock wall = new MutableClock();
    private Clients clients;

    @BeforeEach
    void open() {
        store = Store.open("jdbc:sqlite:" + dir.resolve("auth.db"), 5000);
        clients = new Clients(store, Clock.systemUTC(), wall, TTL, 4);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aGeneratedAdminIsKeptOnlyWithItsCredentialsFile() {
        Path path = dir.resolve("admin-credentials.json");
        CredentialsFile failing = new CredentialsFile() {
            @Override
            public Path path() {
                return path;
            }

            @Override
            public void write(Clients.Credentials credentials) {
                throw new IllegalStateException("disk full");
            }
        };
        assertThrows(IllegalStateException.class, () -> clients.bootstrap(Map.of(), failing));
        assertEquals(0, clients.count(), "no admin without its file");

        Recording file = new Recording(path);
        clients.bootstrap(Map.of(), file);
        assertEquals(1, clients.count());
        Clients.Credentials written = file.written.get(0);
        assertEquals("admin", written.clientId());
        Principal admin = clients.authenticate(clients.issueToken("admin", written.clientSecret()).value());
        assertEquals(new Principal("admin", Role.ADMIN), admin);

        clients.bootstrap(Map.of(), file);
        assertEquals(1, file.written.size(), "a store with clients gets no second admin");
    }

    @Test
    void anAdminFromTheEnvironmentNeedsNoFile() {
        Recording file = new Recording(dir.resolve("unused.json"));
        clients.bootstrap(Map.of("SMARTSAT_ADMIN_CLIENT_ID", "root", "SMARTSAT_ADMIN_CLIENT_SECRET", "s3cret"), file);
        assertTrue(file.written.isEmpty());
        assertEquals("root", clients.authenticate(clients.issueToken("root", "s3cret").value()).clientId());
        assertThrows(ClientError.Unauthorized.class, () -> clients.issueToken("root", "wrong"));
        assertThrows(ClientError.Unauthorized.class, () -> clients.issueToken("nobody", "s3cret"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        Clients.Credentials viewer = clients.create("dashboards", Role.VIEWER);
        String token = clients.issueToken(viewer.clientId(), viewer.clientSecret()).value();
        assertEquals(Role.VIEWER, clients.authenticate(token).role());
        assertEquals(Role.VIEWER, clients.authenticate(token).role());

        wall.advance(TTL);
        var e = assertThrows(ClientError.Unauthorized.class, () -> clients.authenticate(token));
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
        assertThrows(ClientError.Unauthorized.class, () -> clients.authenticate("never-issued"));
    }

    @Test
    void aRemovedClientsTokenIsRefused() {
        Clients.Credentials operator = clients.create("ci", Role.OPERATOR);
        String token = clients.issueToken(operator.clientId(), operator.clientSecret()).value();
        assertEquals(Role.OPERATOR, clients.authenticate(token).role());
        clients.remove(operator.clientId());
        assertThrows(ClientError.Unauthorized.class, () -> clients.authenticate(token));
    }

    @Test
    void aTokenWorksOnEveryNodeUntilItsClientIsRemovedOnAnyNode() {
        try (Store other = Store.open("jdbc:sqlite:" + dir.resolve("auth.db"), 5000)) {
            Clients otherNode = new Clients(other, Clock.systemUTC(), wall, TTL, 4);
            Clients.Credentials operator = clients.create("ci", Role.OPERATOR);
            String token = clients.issueToken(operator.clientId(), operator.clientSecret()).value();
            assertEquals(Role.OPERATOR, clients.authenticate(token).role(), "used here, where it was issued");
            assertEquals(Role.OPERATOR, otherNode.authenticate(token).role(), "and on the other node");

            otherNode.remove(operator.clientId());
            assertThrows(ClientError.Unauthorized.class, () -> clients.authenticate(token),
                    "refused here at once, though this node used it a moment ago");
        }
    }

    /** A credentials file that keeps what it was given. */
    private record Recording(Path path, List<Clients.Credentials> written) implements CredentialsFile {
        Recording(Path path) {
            this(path, new ArrayList<>());
        }

        @Override
        public void write(Clients.Credentials credentials) {
            written.add(credentials);
        }
    }
}
