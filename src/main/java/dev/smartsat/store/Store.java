package dev.smartsat.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite store: one writer connection whose transactions begin IMMEDIATE (so a transaction that
 * reads and then writes never fails with SQLITE_BUSY mid-way), and a small pool of reader
 * connections that see WAL snapshots while the writer works.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int READERS = 4;

    private final Connection writerConnection;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final Jdbi writer;
    private final Jdbi reader;

    private Store(String url, int busyTimeoutMs) throws SQLException {
        writerConnection = open(url, busyTimeoutMs, true);
        for (int i = 0; i < READERS; i++) {
            readers.add(open(url, busyTimeoutMs, false));
        }
        writer = configure(Jdbi.create(new SharedConnectionFactory(writerConnection)));
        reader = configure(Jdbi.create(new PooledConnectionFactory(readers)));
    }

    /** Opens the database at {@code url}, creating its directory and running pending migrations. */
    public static Store open(String url, int busyTimeoutMs) {
        if (!url.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("only SQLite (jdbc:sqlite:...) is supported so far, not " + url);
        }
        try {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()));
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            migrate(url, busyTimeoutMs);
            return new Store(url, busyTimeoutMs);
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the database " + url + ": " + e.getMessage(), e);
        }
    }

    private static void migrate(String url, int busyTimeoutMs) {
        var result = Flyway.configure()
                .dataSource(dataSource(url, busyTimeoutMs, true))
                .locations("classpath:db/migration")
                .load()
                .migrate();
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
        if (writer) {
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        return ds;
    }

    private static Connection open(String url, int busyTimeoutMs, boolean writer) throws SQLException {
        return dataSource(url, busyTimeoutMs, writer).getConnection();
    }

    private static Jdbi configure(Jdbi jdbi) {
        jdbi.installPlugin(new SqlObjectPlugin());
        TimeColumns.register(jdbi);
        return jdbi;
    }

    /** Runs {@code work} in one IMMEDIATE transaction on the writer connection: all of it or none. */
    public <T, X extends Exception> T write(HandleCallback<T, X> work) throws X {
        writeLock.lock();
        try {
            return writer.inTransaction(work::withHandle);
        } finally {
            writeLock.unlock();
        }
    }

    /** Runs {@code work} on a reader connection, inside one transaction so it sees one snapshot. */
    public <T, X extends Exception> T read(HandleCallback<T, X> work) throws X {
        return reader.inTransaction(work::withHandle);
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            closeQuietly(writerConnection);
            Connection c;
            while ((c = readers.poll()) != null) {
                closeQuietly(c);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.warn("closing a database connection failed: {}", e.getMessage());
        }
    }

    /** Hands out the one writer connection; Jdbi's close must not close it. */
    private record SharedConnectionFactory(Connection connection) implements org.jdbi.v3.core.ConnectionFactory {
        @Override
        public Connection openConnection() {
            return connection;
        }

        @Override
        public void closeConnection(Connection toClose) {
            // kept open for the next write
        }
    }

    /** Lends reader connections from a fixed pool and takes them back when Jdbi closes the handle. */
    private record PooledConnectionFactory(BlockingQueue<Connection> pool) implements org.jdbi.v3.core.ConnectionFactory {
        @Override
        public Connection openConnection() throws SQLException {
            try {
                Connection c = pool.poll(30, TimeUnit.SECONDS);
                if (c == null) {
                    throw new SQLException("no database reader connection became free within 30 s");
                }
                return c;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for a database connection", e);
            }
        }

        @Override
        public void closeConnection(Connection toClose) {
            pool.offer(toClose);
        }
    }
}
