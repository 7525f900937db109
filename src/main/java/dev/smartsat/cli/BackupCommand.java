package dev.smartsat.cli;

import dev.smartsat.config.Settings;
import dev.smartsat.store.Backups;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smartsat backup}: a consistent copy of the database, taken while the server runs (SPEC §13). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write a consistent copy of the satellite's database to a file, also while the server runs.",
                "Copy the certs dir as files beside it: the database alone cannot verify the devices' certificates.",
                "For PostgreSQL, use pg_dump."})
public final class BackupCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Locations locations = new Locations();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the backup.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Settings settings = locations.loader().load();
        try {
            long bytes = Backups.backup(settings.jdbcUrl(), out);
            spec.commandLine().getOut().println("backup of " + settings.dataDir().toAbsolutePath() + " written to "
                    + out.toAbsolutePath() + " (" + bytes + " bytes); copy " + settings.certsDir().toAbsolutePath()
                    + " as files too");
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("smartsat: backup: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("smartsat: backup: the database could not be copied: " + e.getMessage());
            return 2;
        }
    }
}
