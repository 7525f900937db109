package dev.smartsat.store;

import dev.smartsat.config.OwnerOnly;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The store, on SQLite (the embedded default) or PostgreSQL (several nodes on one database, SPEC §10); which
 * one, only this package knows. On SQLite: one writer connection, driven by one thread that commits queued writes
 * together ({@link GroupCommitWriter}), whose transactions begin IMMEDIATE (so a transaction that reads and then
 * writes never fails with SQLITE_BUSY mid-way), and a small pool of reader connections that see WAL snapshots
 * while the writer works. On PostgreSQL: a pool of writer connections whose writes are serializable transactions,
 * run again when they lose a race to another node's ({@link SerializableWrites}), and a pool of readers, each
 * read one REPEATABLE READ snapshot. Every connection keeps one long-lived Jdbi handle, so the DAOs attached to
 * it are attached once, not on every call.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int READERS = 4;
    /**
     * PostgreSQL: writes in flight at once on one node. The transport runs up to sixteen requests per core; the
     * rest wait here for a connection.
     */
    private static final int WRITERS = 8;
    /** PostgreSQL: how long a connection attempt may take before the node gives up on it. */
    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    private static final RecordMappers RECORDS = new RecordMappers();

    private final Dialect dialect;
    private final Connections readers;
    /** SQLite's writes; null on PostgreSQL. */
    private final GroupCommitWriter groupCommit;
    private final Tx groupCommitTx;
    /** SQLite's device search; null on PostgreSQL. */
    private final InstanceSearch search;
    /** Where reader connections come from: a build of the search opens one of its own. */
    private final DataSource readerSource;
    /** PostgreSQL's writes; null on SQLite. */
    private final SerializableWrites serializable;
    private final Connections writers;
    /** Connections found dead, for both sets: after one, the others are checked before their next use. */
    private final AtomicLong suspicion = new AtomicLong();

    private Store(Dialect dialect, DataSource writer, DataSource reader) {
        this.dialect = dialect;
        this.readerSource = reader;
        if (dialect == Dialect.SQLITE) {
            this.search = new InstanceSearch(this::buildSearch);
            Handle writerHandle = handle(dialect, writer, true);
            this.groupCommitTx = new Tx(writerHandle, search);
            this.groupCommit = new GroupCommitWriter(writerHandle, search.upkeep(groupCommitTx::searchDao));
            this.writers = null;
            this.serializable = null;
        } else {
            this.search = null;
            this.groupCommitTx = null;
            this.groupCommit = null;
            this.writers = new Connections("writer", WRITERS, suspicion,
                    () -> new Tx(handle(dialect, writer, true), null));
            this.serializable = new SerializableWrites(writers);
        }
        this.readers = new Connections("reader", READERS, suspicion,
                () -> new Tx(handle(dialect, reader, false), search));
    }

    /** Builds SQLite's device search (see {@link InstanceSearch}): the writer is held only at the start and the end. */
    private void buildSearch() {
        write(tx -> {
            tx.searchDao().capture(); // from here on, every change is noted
            return null;
        });
        InstanceSearch.Columns prepared;
        try (Handle h = handle(dialect, readerSource, false)) {
            prepared = h.inTransaction(t -> InstanceSearch.prepare(t.attach(InstanceSearchDao.class).all()));
        }
        write(tx -> {
            search.install(prepared, tx.searchDao());
            return null;
        });
    }

    /** Opens the SQLite database at {@code url}, creating its directory and running pending migrations. */
    public static Store open(String url, int busyTimeoutMs) {
        return open(url, null, null, busyTimeoutMs);
    }

    /**
     * Opens the database at {@code url} (SQLite: creating its directory) and runs pending migrations; {@code user}
     * and {@code password} log in to PostgreSQL. Two nodes starting at once migrate one after the other: Flyway
     * holds a lock in the database while it migrates. A database that cannot be reached, or refuses the login, is
     * an {@link IllegalStateException} whose message is one line.
     */
    public static Store open(String url, String user, String password, int busyTimeoutMs) {
        Dialect dialect = Dialect.of(url);
        try {
            if (dialect == Dialect.SQLITE) {
                prepareSqliteFile(url);
            } else {
                probe(url, user, password);
            }
            migrate(dialect, url, user, password, busyTimeoutMs);
            return create(dialect, url, user, password, busyTimeoutMs);
        } catch (SQLException | UncheckedIOException | FlywayException e) {
            throw new IllegalStateException("cannot open the database " + Dialect.printable(url) + ": " + oneLine(e), e);
        }
    }

    /**
     * Fails with a one-line {@link IllegalStateException} unless the PostgreSQL database at {@code url} takes the
     * login; nothing for SQLite, whose file is made on open. A start checks this before it creates anything.
     */
    public static void checkReachable(String url, String user, String password) {
        if (Dialect.of(url) != Dialect.POSTGRESQL) {
            return;
        }
        try {
            probe(url, user, password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the database " + Dialect.printable(url) + ": " + oneLine(e), e);
        }
    }

    private static void probe(String url, String user, String password) throws SQLException {
        try (Connection c = postgres(url, user, password).getConnection()) {
            c.isValid(CONNECT_TIMEOUT_SECONDS);
        }
    }

    private static void prepareSqliteFile(String url) {
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            OwnerOnly.directory(parent);
        }
        // SQLite gives the -wal and -shm files the database file's mode, so a 0600 database keeps them 0600.
        OwnerOnly.file(file);
        OwnerOnly.ifExists(Path.of(file + "-wal"));
        OwnerOnly.ifExists(Path.of(file + "-shm"));
    }

    /**
     * Opens the database of a server that is running on it now, migrating nothing: a migration run under a
     * live server would change the tables its prepared statements and code expect. So the schema must be
     * exactly the one this build knows; a database behind it (this build is newer) or ahead of it (older)
     * is refused with a message saying what to do.
     */
    public static Store openBesideServer(String url, int busyTimeoutMs) {
        return openBesideServer(url, null, null, busyTimeoutMs);
    }

    public static Store openBesideServer(String url, String user, String password, int busyTimeoutMs) {
        Dialect dialect = Dialect.of(url);
        try {
            requireCurrentSchema(dialect, url, user, password, busyTimeoutMs);
            return create(dialect, url, user, password, busyTimeoutMs);
        } catch (SQLException | FlywayException e) {
            throw new IllegalStateException("cannot open the database " + Dialect.printable(url) + ": " + oneLine(e), e);
        }
    }

    private static Store create(Dialect dialect, String url, String user, String password, int busyTimeoutMs)
            throws SQLException {
        try {
            return dialect == Dialect.SQLITE
                    ? new Store(dialect, sqlite(url, busyTimeoutMs, true), sqlite(url, busyTimeoutMs, false))
                    : new Store(dialect, postgres(url, user, password), postgres(url, user, password));
        } catch (WrappedSql e) {
            throw e.getCause();
        }
    }

    private static void requireCurrentSchema(Dialect dialect, String url, String user, String password,
                                             int busyTimeoutMs) {
        Flyway flyway = flyway(dialect, url, user, password, busyTimeoutMs).ignoreMigrationPatterns("*:pending").load();
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

    private static FluentConfiguration flyway(Dialect dialect, String url, String user, String password,
                                              int busyTimeoutMs) {
        DataSource ds = dialect == Dialect.SQLITE ? sqlite(url, busyTimeoutMs, true) : postgres(url, user, password);
        return Flyway.configure().dataSource(ds).locations(dialect.migrations());
    }

    private static void migrate(Dialect dialect, String url, String user, String password, int busyTimeoutMs) {
        var result = flyway(dialect, url, user, password, busyTimeoutMs).load().migrate();
        if (result.migrationsExecuted > 0) {
            log.info("database migrated to version {} ({} migrations)", result.targetSchemaVersion, result.migrationsExecuted);
        }
    }

    /** Flyway's location of the SQLite migrations, for tools that inspect a SQLite file (backups). */
    static String sqliteMigrations() {
        return Dialect.SQLITE.migrations();
    }

    private static SQLiteDataSource sqlite(String url, int busyTimeoutMs, boolean writer) {
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

    private static PGSimpleDataSource postgres(String url, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        if (user != null && !user.isBlank()) {
            ds.setUser(user);
        }
        if (password != null && !password.isEmpty()) {
            ds.setPassword(password);
        }
        ds.setApplicationName("smartsat");
        ds.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        ds.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
        // A node must notice a database host that vanished without closing its sockets.
        ds.setTcpKeepAlive(true);
        return ds;
    }

    /** A SQLException passed through a Supplier. */
    private static final class WrappedSql extends RuntimeException {
        WrappedSql(SQLException cause) {
            super("cannot connect to the database: " + cause.getMessage(), cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private static Handle handle(Dialect dialect, DataSource dataSource, boolean writer) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
            if (dialect == Dialect.POSTGRESQL) {
                connection.setTransactionIsolation(writer ? Connection.TRANSACTION_SERIALIZABLE
                        : Connection.TRANSACTION_REPEATABLE_READ);
                // BEGIN READ ONLY: a write slipped into a read would escape the writers' serializable checks.
                connection.setReadOnly(!writer);
            }
        } catch (SQLException e) {
            throw new WrappedSql(e);
        }
        // A factory, not Jdbi.create(connection): closing the handle then closes the connection too.
        Jdbi jdbi = Jdbi.create(() -> connection);
        jdbi.installPlugin(new SqlObjectPlugin());
        jdbi.setStatementBuilderFactory(c -> new CachedStatements());
        jdbi.registerRowMapper(RECORDS);
        TimeColumns.register(jdbi);
        dialect.define(jdbi);
        return jdbi.open();
    }

    /**
     * Runs {@code work} in one transaction, all of it or none, and returns once it is committed. {@code work}
     * sees every write committed before it began and acts as if no other write ran meanwhile (SQLite serialises
     * writes; PostgreSQL may run {@code work} again after a conflict, so it must not act outside the database).
     */
    public <T, X extends Exception> T write(Tx.Work<T, X> work) throws X {
        return write(List.of(), work);
    }

    /**
     * {@link #write(Tx.Work)} for a write that is one of many on the same hot rows at once (a token's uses, an
     * entitlement's pool), named by {@code lanes}: on PostgreSQL such writes queue for their lanes across all
     * nodes before they begin, instead of colliding and running again; SQLite's one writer already queues them.
     * A lane is only a way to wait: the outcome is the same without it, so a write may name one it turns out
     * not to touch.
     */
    public <T, X extends Exception> T write(List<String> lanes, Tx.Work<T, X> work) throws X {
        if (groupCommit != null) {
            return groupCommit.write(h -> work.run(groupCommitTx));
        }
        return serializable.write(lanes, work);
    }

    /**
     * Runs {@code work} on a reader connection, inside one transaction so it sees one snapshot. A read whose
     * connection died runs once more on a new one; a database that stays away is {@link DatabaseUnavailable}.
     */
    public <T, X extends Exception> T read(Tx.Work<T, X> work) throws X {
        for (int attempt = 1; ; attempt++) {
            Connections.Slot slot = readers.borrow();
            Throwable failure = null;
            try {
                return slot.handle().inTransaction(h -> work.run(slot.tx()));
            } catch (Throwable e) {
                failure = e;
                if (!Connections.lost(e)) {
                    throw e;
                }
                if (attempt > 1) {
                    throw new DatabaseUnavailable(e);
                }
            } finally {
                readers.release(slot, failure);
            }
        }
    }

    /** True on PostgreSQL, where several nodes may share the database. */
    public boolean shared() {
        return dialect == Dialect.POSTGRESQL;
    }

    /** Writes run again after losing a race to a concurrent one (PostgreSQL), since the start; 0 on SQLite. */
    public long writeRetries() {
        return serializable == null ? 0 : serializable.retries();
    }

    /**
     * An exception's message as one line: a start failure is printed as one. The driver's message (the first
     * SQLException in the chain) says what went wrong in the database's words; below it are only sockets.
     */
    static String oneLine(Throwable e) {
        Throwable root = e;
        SQLException sql = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (sql == null && t instanceof SQLException found) {
                sql = found;
            }
            root = t;
        }
        Throwable chosen = sql != null ? sql : root;
        String message = chosen.getMessage() == null ? chosen.toString() : chosen.getMessage();
        if (chosen instanceof FlywayException) {
            // Flyway's own messages continue with a block of details on later lines
            message = message.lines().findFirst().orElse(message);
        }
        if (root instanceof java.net.UnknownHostException && root != chosen) {
            message += " (unknown host " + root.getMessage() + ")";
        }
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    @Override
    public void close() {
        if (groupCommit != null) {
            groupCommit.close();
            try {
                groupCommitTx.handle().close();
            } catch (RuntimeException e) {
                log.warn("closing a database connection failed: {}", e.getMessage());
            }
        }
        if (writers != null) {
            writers.close();
        }
        readers.close();
    }
}
