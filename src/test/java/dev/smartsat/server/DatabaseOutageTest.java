package dev.smartsat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smartsat.TestDatabase;
import dev.smartsat.TestSatellite;
import dev.smartsat.transport.TestDevice;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10 on PostgreSQL: a database that goes away while a node serves makes devices hear OK_TRY_AGAIN (503) and
 * the API answer 503, and the node serves again once it is back, without a restart. A database restart (every
 * connection cut while the database stays up) is not even noticed: each request runs again on a new connection.
 */
class DatabaseOutageTest {
    private static final String VAS = TestSatellite.ACCOUNT_PATH + "/virtual-accounts";

    @TempDir
    Path dir;

    @Test
    void devicesHearTryAgainAndTheApi503WhileTheDatabaseIsAwayThenAllServesAgain() throws SQLException {
        Map<String, Object> flags = TestDatabase.POSTGRESQL.flags();
        String url = (String) flags.get("db.url");
        String name = url.replaceAll(".*/([^/?]+)(\\?.*)?$", "$1");
        try (TestSatellite sat = TestSatellite.start(dir, Map.of(), flags)) {
            String admin = sat.adminToken();
            String token = sat.createToken("Default", "{\"description\":\"outage\"}");
            TestDevice before = new TestDevice(sat, "C9300-48P", "OUT1");
            assertEquals("OK", before.register(token).status());

            cutConnections(name, false);
            TestDevice restarted = new TestDevice(sat, "C9300-48P", "OUT2");
            assertEquals("OK", restarted.register(token).status(), "a cut connection is replaced unseen");
            assertEquals(200, sat.get(VAS, admin).status());

            cutConnections(name, true);
            try {
                TestDevice.Answer away = new TestDevice(sat, "C9300-48P", "OUT3").register(token);
                assertEquals(503, away.http(), away.toString());
                assertEquals("OK_TRY_AGAIN", away.status(), away.toString());
                TestSatellite.Response api = sat.get(VAS, admin);
                assertEquals(503, api.status(), api.toString());
                assertTrue(api.body().contains("database"), api.body());
            } finally {
                allowConnections(name);
            }

            TestDevice after = new TestDevice(sat, "C9300-48P", "OUT3");
            assertEquals("OK", after.register(token).status(), "served again once the database is back");
            assertEquals(200, sat.get(VAS, admin).status());
            assertEquals("OK", before.hello().status(), "what was acknowledged before the outage is still there");
        }
    }

    /** Ends every session on the database; with {@code refuse}, new ones are refused until {@link #allowConnections}. */
    private static void cutConnections(String database, boolean refuse) throws SQLException {
        try (Connection c = TestDatabase.superuser(); Statement s = c.createStatement()) {
            if (refuse) {
                s.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
            }
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
        }
    }

    private static void allowConnections(String database) throws SQLException {
        try (Connection c = TestDatabase.superuser(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
        }
    }
}
