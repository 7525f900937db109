package dev.smartsat.store;

import dev.smartsat.config.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.ValidateResult;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Backup and restore of the SQLite database (SPEC §13). A backup is SQLite's {@code VACUUM INTO} on a
 * read-only connection of its own: one consistent snapshot, taken while the server keeps writing (WAL readers
 * block no one), compacted. A restore checks that the file is a SmartSat database this build can run, then
 * replaces the database of a stopped server.
 */
public final class Backups {
    /** What a backup file holds. */
    public record Inspected(String schemaVersion, long bytes) {}

    private Backups() {}

    /** Writes a consistent copy of the database at {@code jdbcUrl} to {@code out} (mode 0600); its size. */
    public static long backup(String jdbcUrl, Path out) {
        Path db = sqliteFile(jdbcUrl);
        if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("there is no database at " + db.toAbsolutePath()
                    + "; is --data-dir the satellite's data dir?");
        }
        Path target = out.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            Files.deleteIfExists(temp);
            Jdbi.create(readOnly(db)).useHandle(h -> h.execute("VACUUM INTO ?", temp.toString()));
            OwnerOnly.file(temp);
            move(temp, target);
            return Files.size(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the backup " + target, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the original failure, if any, is the one worth reporting
            }
        }
    }

    /** Checks that {@code file} is an intact SmartSat database whose schema this build knows. */
    public static Inspected inspect(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        try {
            String integrity = Jdbi.create(readOnly(file)).withHandle(h ->
                    h.createQuery("PRAGMA integrity_check").mapTo(String.class).one());
            if (!"ok".equals(integrity)) {
                throw new IllegalArgumentException(file + " is a damaged database: " + integrity);
            }
            // An older backup's pending migrations are fine: the server applies them when it starts.
            Flyway flyway = Flyway.configure().dataSource(readOnly(file)).locations(Store.sqliteMigrations())
                    .ignoreMigrationPatterns("*:pending").load();
            var info = flyway.info();
            ValidateResult valid = flyway.validateWithResult();
            if (info.current() == null) {
                throw new IllegalArgumentException(file + " is not a SmartSat backup: it holds no SmartSat schema");
            }
            if (!valid.validationSuccessful) {
                throw new IllegalArgumentException(file + " is not a SmartSat backup this version can run: "
                        + valid.errorDetails.errorMessage);
            }
            return new Inspected(info.current().getVersion().getVersion(), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(file + " is not a SmartSat backup: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the database at {@code jdbcUrl} with {@code backup}, which {@link #inspect} accepted; the caller
     * holds the data dir's lock, so no server runs on it. The old WAL and shared-memory files go with the old
     * database: they belong to it.
     */
    public static void restore(Path backup, String jdbcUrl) {
        Path db = sqliteFile(jdbcUrl).toAbsolutePath();
        Path temp = db.resolveSibling("." + db.getFileName() + ".restoring");
        try {
            OwnerOnly.directory(db.getParent());
            Files.copy(backup, temp, StandardCopyOption.REPLACE_EXISTING);
            OwnerOnly.file(temp);
            Files.deleteIfExists(Path.of(db + "-wal"));
            Files.deleteIfExists(Path.of(db + "-shm"));
            move(temp, db);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore into " + db, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the original failure, if any, is the one worth reporting
            }
        }
    }

    /** Refuses, with what to use instead, a database these commands cannot copy: PostgreSQL has its own tools. */
    public static void requireSqlite(String jdbcUrl) {
        sqliteFile(jdbcUrl);
    }

    static Path sqliteFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("backup and restore work on SQLite; for PostgreSQL use pg_dump and"
                    + " pg_restore");
        }
        return Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
    }

    private static SQLiteDataSource readOnly(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        return ds;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
