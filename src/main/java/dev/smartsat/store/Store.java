package dev.smartsat.store;

import dev.smartsat.config.OwnerOnly;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite store: one writer connection, driven by one thread that commits queued writes together
 * ({@link GroupCommitWriter}), whose transactions begin IMMEDIATE (so a transaction that reads and
 * then writes never fails with SQLITE_BUSY mid-way); and a small pool of reader connections that see
 * WAL snapshots while the writer works. Every connection keeps one long-lived Jdbi handle, so the
 * DAOs attached to it are attached once, not on every call.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int READERS = 4;

    private final List<Handle> handles = new ArrayList<>();
    /** Each connection's transaction view, made once: handles are opened before any work runs. */
    private final Map<Handle, Tx> txs = new HashMap<>();
    private final BlockingQueue<Handle> readers = new ArrayBlockingQueue<>(READERS);
    private final GroupCommitWriter writer;

    private Store(String url, int busyTimeoutMs) throws SQLException {
        Handle writerHandle = handle(url, busyTimeoutMs, true);
        for (int i = 0; i < READERS; i++) {
            readers.add(handle(url, busyTimeoutMs, false));
        }
        writer = new GroupCommitWriter(writerHandle);
    }

    /** Opens the database at {@code url}, creating its directory and running pending migrations. */
    public static Store open(String url, int busyTimeoutMs) {
        if (!url.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("only SQLite (jdbc:sqlite:...) is supported so far, not " + url);
        }
        try {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()));
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                OwnerOnly.directory(parent);
            }
            // SQLite gives the -wal and -shm files the database file's mode, so a 0600 database keeps them 0600.
            OwnerOnly.file(file);
            OwnerOnly.ifExists(Path.of(file + "-wal"));
            OwnerOnly.ifExists(Path.of(file + "-shm"));
            migrate(url, busyTimeoutMs);
            return new Store(url, busyTimeoutMs);
        } catch (SQLException | UncheckedIOException e) {
            throw new IllegalStateException("cannot open the database " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the database of a server that is running on it now, migrating nothing: a migration run under a
     * live server would change the tables its prepared statements and code expect. So the schema must be
     * exactly the one this build knows; a database behind it (this build is newer) or ahead of it (older)
     * is refused with a message saying what to do.
     */
    public static Store openBesideServer(String url, int busyTimeoutMs) {
        if (!url.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("only SQLite (jdbc:sqlite:...) is supported so far, not " + url);
        }
        try {
            requireCurrentSchema(url, busyTimeoutMs);
            return new Store(url, busyTimeoutMs);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the database " + url + ": " + e.getMessage(), e);
        }
    }

    private static void requireCurrentSchema(String url, int busyTimeoutMs) {
        Flyway flyway = flyway(url, busyTimeoutMs).ignoreMigrationPatterns("*:pending").load();
        MigrationInfoService info = flyway.info();
        String at = info.current() == null ? "no schema" : "schema version " + info.current().getVersion();
        boolean ahead = Arrays.stream(info.applied()).anyMatch(m -> m.getState() == MigrationState.FUTURE_SUCCESS);
        if (info.pending().length > 0 || ahead || info.current() == null) {
            throw new IllegalStateException("the running server's database has " + at + ", which this build"
                    + (ahead ? " is older than" : " would have to migrate first")
                    + "; run the command of the server's own version, or stop the server and run it then");
        }
        var valid = flyway.validateWithResult();
        if (!valid.validationSuccessful) {
            throw new IllegalStateException("the running server's database does not match this build's schema: "
                    + valid.errorDetails.errorMessage);
        }
    }

    private static FluentConfiguration flyway(String url, int busyTimeoutMs) {
        return Flyway.configure().dataSource(dataSource(url, busyTimeoutMs, true)).locations("classpath:db/migration");
    }

    private static void migrate(String url, int busyTimeoutMs) {
        var result = flyway(url, busyTimeoutMs).load().migrate();
        if (result.migrationsExecuted > 0) {
            log.info("database migrated to version {} ({} migrations)", result.targetSchemaVersion, result.migrationsExecuted);
        }
    }

    private static SQLiteDataSource dataSource(String url, int busyTimeoutMs, boolean writer) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(busyTimeoutMs);
        // Inserts that need their new id say RETURNING id; otherwise the driver would prepare and run a
        // SELECT last_insert_rowid() after every INSERT.
        config.setGetGeneratedKeys(false);
        // 64 MiB of page cache for the writer, 16 MiB per reader: 100,000 instances stay in memory.
        config.setCacheSize(writer ? -65536 : -16384);
        if (writer) {
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        return ds;
    }

    private Handle handle(String url, int busyTimeoutMs, boolean writer) throws SQLException {
        Jdbi jdbi = Jdbi.create(dataSource(url, busyTimeoutMs, writer).getConnection());
        jdbi.installPlugin(new SqlObjectPlugin());
        jdbi.setStatementBuilderFactory(connection -> new CachedStatements());
        jdbi.registerRowMapper(RECORDS);
        TimeColumns.register(jdbi);
        Handle handle = jdbi.open();
        handles.add(handle);
        txs.put(handle, new Tx(handle));
        return handle;
    }

    private static final RecordMappers RECORDS = new RecordMappers();

    /**
     * Runs {@code work} on the writer connection, all of it or none, and returns once it is committed.
     * Writes are serialised: {@code work} sees every earlier write and no concurrent one.
     */
    public <T, X extends Exception> T write(Tx.Work<T, X> work) throws X {
        return writer.write(h -> work.run(txs.get(h)));
    }

    /** Runs {@code work} on a reader connection, inside one transaction so it sees one snapshot. */
    public <T, X extends Exception> T read(Tx.Work<T, X> work) throws X {
        Handle h = borrow();
        try {
            return h.inTransaction(handle -> work.run(txs.get(handle)));
        } finally {
            readers.add(h);
        }
    }

    private Handle borrow() {
        try {
            Handle h = readers.poll(30, TimeUnit.SECONDS);
            if (h == null) {
                throw new IllegalStateException("no database reader connection became free within 30 s");
            }
            return h;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a database connection", e);
        }
    }

    @Override
    public void close() {
        writer.close();
        for (Handle h : handles) {
            try {
                h.close();
            } catch (RuntimeException e) {
                log.warn("closing a database connection failed: {}", e.getMessage());
            }
        }
    }
}
