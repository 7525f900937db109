package dev.smartsat.cli;

import dev.smartsat.config.Catalog;
import dev.smartsat.config.Settings;
import dev.smartsat.server.Logging;
import dev.smartsat.core.ClientError;
import dev.smartsat.licensing.Seeder;
import dev.smartsat.pki.CryptoProviders;
import dev.smartsat.pki.Pki;
import dev.smartsat.store.DataDirLock;
import dev.smartsat.store.Store;
import dev.smartsat.sync.SyncFiles;
import dev.smartsat.sync.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
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
    /**
     * Exit code when the command cannot run: unreadable files or settings, a running server's database of
     * another schema version than this build's.
     */
    public static final int CANNOT_RUN = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Manual sync, upstream side (SPEC §8): a sync request file in, the sync response file out. It runs beside
     * the upstream server too: the data dir's lock keeps out a second server, not this command, and SQLite (WAL,
     * busy timeout) takes the two processes' writes one after the other. The server reads pins, sequences and
     * reports from the database at every request (nothing of them is cached), so it sees what the command wrote.
     */
    @Command(name = "process-sync", mixinStandardHelpOptions = true,
            description = "Answer a satellite's sync request file with a sync response file, on the upstream's data"
                    + " dir, also while the upstream server runs on it: the same answer as its satellite sync endpoint."
                    + " A gzipped request, or an --out whose name ends in gz, gets a gzipped response.")
    static final class ProcessSync implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Locations locations = new Locations();

        @Option(names = "--in", required = true, paramLabel = "REQUEST", description = "The satellite's sync request file"
                + " (gzip or not).")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "RESPONSE", description = "Where to write the sync response.")
        Path out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Settings settings = locations.loader().load();
            Logging.apply(settings.logging());
            CryptoProviders.use(settings.crypto().provider());
            if (!Files.isRegularFile(in) || !Files.isReadable(in)) {
                err.println("smartsat: cssm process-sync: cannot read the sync request --in " + in
                        + ": no such readable file");
                return CANNOT_RUN;
            }
            Optional<DataDirLock> lock;
            try {
                lock = DataDirLock.tryAcquire(settings.dataDir());
            } catch (IllegalStateException e) {
                err.println("smartsat: cssm process-sync: " + e.getMessage());
                return CANNOT_RUN;
            }
            try {
                return process(settings, lock.isPresent(), err);
            } finally {
                lock.ifPresent(DataDirLock::close);
            }
        }

        /**
         * {@code alone}: no server runs on the data dir (this command holds its lock until done), so the store
         * is migrated and seeded as {@code serve} would; beside a server it is opened as that server left it.
         */
        private int process(Settings settings, boolean alone, PrintWriter err) {
            Clock clock = Clock.systemUTC();
            Pki pki = Pki.loadOrCreate(settings.certsDir(), settings.server().hostNames(), clock);
            Store store;
            try {
                Settings.Db db = settings.db();
                store = alone ? Store.open(settings.jdbcUrl(), db.user(), db.password(), db.busyTimeoutMs())
                        : Store.openBesideServer(settings.jdbcUrl(), db.user(), db.password(), db.busyTimeoutMs());
            } catch (IllegalStateException e) {
                err.println("smartsat: cssm process-sync: " + e.getMessage());
                return CANNOT_RUN;
            }
            try (store) {
                if (alone) {
                    Seeder.seedIfEmpty(store, settings.seed(), Catalog.load(settings), clock);
                }
                Upstream.Processed processed;
                boolean gzip;
                try (SyncFiles.Decoded request = new SyncFiles.Decoded(Files.newInputStream(in),
                        settings.sync().maxBytes(), false)) {
                    processed = new Upstream(store, clock, pki).process(request);
                    gzip = request.wasGzip() || out.getFileName().toString().endsWith(".gz");
                } catch (IOException e) {
                    err.println("smartsat: cssm process-sync: cannot read the sync request --in " + in + ": "
                            + e.getMessage());
                    return CANNOT_RUN;
                }
                write(processed.json(), gzip);
                spec.commandLine().getOut().println("sync response to request " + processed.sequence() + " of satellite "
                        + processed.satelliteId() + " written to " + out + (gzip ? " (gzip)" : "") + " ("
                        + processed.instances() + " instances reported, " + processed.transfersApplied()
                        + " transfers applied)");
                return 0;
            } catch (ClientError e) {
                err.println("smartsat: cssm process-sync: the sync request is refused (" + e.status() + "): "
                        + e.getMessage());
                return REFUSED;
            } catch (IOException e) {
                err.println("smartsat: cssm process-sync: cannot write the sync response --out " + out + ": "
                        + e.getMessage());
                return CANNOT_RUN;
            } catch (RuntimeException e) {
                // Say, the server's writes kept the database busy past db.busy_timeout_ms: the one transaction
                // was rolled back, nothing was written, and running the command again is safe.
                err.println("smartsat: cssm process-sync: the sync request could not be processed, nothing was"
                        + " changed: " + e.getMessage());
                return CANNOT_RUN;
            }
        }

        /** Written whole or not at all: a half-written response must never be carried to a satellite. */
        private void write(String json, boolean gzip) throws IOException {
            Path target = out.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            try (OutputStream file = Files.newOutputStream(partial)) {
                if (gzip) {
                    SyncFiles.writeGzip(file, json);
                } else {
                    file.write(json.getBytes(StandardCharsets.UTF_8));
                }
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
