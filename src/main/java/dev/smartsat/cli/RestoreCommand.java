package dev.smartsat.cli;

import dev.smartsat.config.Settings;
import dev.smartsat.store.Backups;
import dev.smartsat.store.DataDirLock;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smartsat restore}: a backup put back into the data dir of a stopped server (SPEC §13). */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Replace the database of a stopped satellite with a backup written by smartsat backup.",
                "Refuses while a server runs on the data dir, and refuses a file that is not a SmartSat backup.",
                "Put the certs dir that was copied with the backup back as files."})
public final class RestoreCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Locations locations = new Locations();

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "The backup to restore.")
    Path in;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = locations.loader().load();
        Backups.Inspected backup;
        try {
            Backups.requireSqlite(settings.jdbcUrl());
            backup = Backups.inspect(in);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("smartsat: restore: " + e.getMessage() + "; nothing was changed");
            return 2;
        }
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(settings.dataDir());
        } catch (IllegalStateException e) {
            err.println("smartsat: restore: " + e.getMessage() + "; stop it first. Nothing was changed");
            return 2;
        }
        try (lock) {
            Backups.restore(in, settings.jdbcUrl());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("smartsat: restore: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().println("restored " + in.toAbsolutePath() + " (schema version "
                + backup.schemaVersion() + ", " + backup.bytes() + " bytes) into "
                + settings.dataDir().toAbsolutePath() + "; start the server to use it");
        return 0;
    }
}
