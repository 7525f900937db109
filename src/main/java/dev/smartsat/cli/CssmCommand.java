package dev.smartsat.cli;

import dev.smartsat.config.Catalog;
import dev.smartsat.config.Settings;
import dev.smartsat.server.Logging;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Seeder;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.DataDirLock;
import dev.smartsat.store.Store;
import dev.smartsat.sync.Upstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code smartsat cssm …}: the upstream's offline tools, run on its own data and certs dirs. */
@Command(name = "cssm", mixinStandardHelpOptions = true,
        description = "Tools of the upstream (the simulated vendor cloud, serve --role cssm).",
        subcommands = {CssmCommand.ProcessSync.class})
public final class CssmCommand implements Runnable {
    /** Exit code of a sync request the upstream refuses (bad file, pinned to another certificate …). */
    public static final int REFUSED = 1;
    /** Exit code when the command cannot run: unreadable files, settings, a server holding the data dir. */
    public static final int CANNOT_RUN = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Manual sync, upstream side (SPEC §8): a sync request file in, the sync response file out. */
    @Command(name = "process-sync", mixinStandardHelpOptions = true,
            description = "Answer a satellite's sync request file with a sync response file, on the upstream's data"
                    + " (the same as its POST /backend/api/v1/satellite/sync; the upstream server must not be running).")
    static final class ProcessSync implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Locations locations = new Locations();

        @Option(names = "--in", required = true, paramLabel = "REQUEST", description = "The satellite's sync request file.")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "RESPONSE", description = "Where to write the sync response.")
        Path out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Settings settings = locations.loader().load();
            Logging.apply(settings.logging());
            byte[] request;
            try {
                request = Files.readAllBytes(in);
            } catch (IOException e) {
                err.println("smartsat: cssm process-sync: cannot read the sync request --in " + in + ": " + e.getMessage());
                return CANNOT_RUN;
            }
            DataDirLock lock;
            try {
                lock = DataDirLock.acquire(settings.dataDir());
            } catch (IllegalStateException e) {
                err.println("smartsat: cssm process-sync: " + e.getMessage() + ". While the upstream server runs,"
                        + " post the request to its POST /backend/api/v1/satellite/sync instead.");
                return CANNOT_RUN;
            }
            try (lock) {
                return process(settings, request, err);
            }
        }

        private int process(Settings settings, byte[] request, PrintWriter err) {
            Clock clock = Clock.systemUTC();
            Pki pki = Pki.loadOrCreate(settings.certsDir(), settings.server().hostNames(), clock);
            try (Store store = Store.open(settings.jdbcUrl(), settings.db().busyTimeoutMs())) {
                Seeder.seedIfEmpty(store, settings.seed(), Catalog.load(settings), clock);
                Upstream.Processed processed = new Upstream(store, clock, pki).process(request);
                write(processed.json());
                spec.commandLine().getOut().println("sync response to request " + processed.sequence() + " of satellite "
                        + processed.satelliteId() + " written to " + out + " (" + processed.instances()
                        + " instances reported, " + processed.transfersApplied() + " transfers applied)");
                return 0;
            } catch (ClientError e) {
                err.println("smartsat: cssm process-sync: the sync request is refused (" + e.status() + "): "
                        + e.getMessage());
                return REFUSED;
            } catch (IOException e) {
                err.println("smartsat: cssm process-sync: cannot write the sync response --out " + out + ": "
                        + e.getMessage());
                return CANNOT_RUN;
            }
        }

        /** Written whole or not at all: a half-written response must never be carried to a satellite. */
        private void write(String json) throws IOException {
            Path target = out.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Files.writeString(partial, json, StandardCharsets.UTF_8);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
