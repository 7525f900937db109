package dev.smartsat;

import dev.smartsat.store.Store;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The databases the store runs on, for the tests that run on each: a test class marked {@link OnEachDatabase}
 * runs once on SQLite and once on a real PostgreSQL (or only on those named by the system property
 * {@code smartsat.test.databases}, e.g. {@code -Dsmartsat.test.databases=sqlite} for a quick run). The PostgreSQL server is started once per test JVM, on first use (zonky's embedded PostgreSQL:
 * the binaries come from a Maven artifact), and stopped when the JVM exits; every satellite or store gets a
 * database of its own in it, so tests share nothing but the server.
 */
public enum TestDatabase {
    SQLITE,
    POSTGRESQL;

    /** The databases {@link OnEachDatabase} classes run on: all, unless {@code smartsat.test.databases} names some. */
    public static List<TestDatabase> selected() {
        String names = System.getProperty("smartsat.test.databases", "");
        if (names.isBlank()) {
            return List.of(values());
        }
        return Arrays.stream(names.split(",")).map(n -> valueOf(n.strip().toUpperCase(Locale.ROOT))).toList();
    }

    /** The superuser zonky's server is created with; it logs in without a password over loopback. */
    public static final String PG_USER = "postgres";

    /** Settings flags that put a TestSatellite on this database: a fresh database of its own for PostgreSQL. */
    public Map<String, Object> flags() {
        Map<String, Object> flags = new HashMap<>();
        if (this == POSTGRESQL) {
            flags.put("db.url", newPostgresDatabase());
            flags.put("db.user", PG_USER);
        }
        return flags;
    }

    /** {@link #flags()} beside the given ones, which win. */
    public Map<String, Object> flags(Map<String, Object> more) {
        Map<String, Object> flags = flags();
        flags.putAll(more);
        return flags;
    }

    /** A store on a new, empty database of this kind (SQLite: a file in {@code dir}), migrated. */
    public Store open(Path dir) {
        return this == SQLITE ? Store.open("jdbc:sqlite:" + dir.resolve("store-" + UUID.randomUUID() + ".db"), 5000)
                : Store.open(newPostgresDatabase(), PG_USER, null, 5000);
    }

    /** A new, empty database on the shared PostgreSQL server: its JDBC URL. */
    public static String newPostgresDatabase() {
        EmbeddedPostgres server = Server.get();
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
        return server.getJdbcUrl(PG_USER, name);
    }

    /** A superuser's connection to the shared PostgreSQL server, to do to a test's database what an operator might. */
    public static Connection superuser() throws SQLException {
        return Server.get().getPostgresDatabase().getConnection();
    }

    /** The one PostgreSQL server of this JVM. */
    private static final class Server {
        private static EmbeddedPostgres server;

        static synchronized EmbeddedPostgres get() {
            if (server == null) {
                try {
                    // Durability is the operating system's business in tests: no fsync, commits not waited for.
                    server = EmbeddedPostgres.builder()
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off")
                            .setServerConfig("max_connections", "300")
                            .setPGStartupWait(Duration.ofSeconds(60))
                            .start();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
                }
            }
            return server;
        }
    }
}
