package dev.smartsat.server;

import dev.smartsat.config.Settings;
import dev.smartsat.store.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a start checks before it creates anything on disk (SPEC §13): the port is free, the data and certs
 * dirs can be made or used, and a PostgreSQL database (db.url) answers and takes the login (SPEC §10). A failed check is one {@link IllegalStateException} whose message says what to fix;
 * the command line prints it as one line and exits 2.
 */
final class StartChecks {
    private StartChecks() {}

    static void run(Settings settings) {
        portIsFree(settings.server().bind(), settings.server().port());
        usable(settings.dataDir(), "data dir", "--data-dir");
        usable(settings.certsDir(), "certs dir", "--certs-dir");
        Store.checkReachable(settings.jdbcUrl(), settings.db().user(), settings.db().password());
    }

    /**
     * Binds the port for a moment. Another process could still take it before the server binds, and that start
     * fails too, later; this check only keeps the common case (a satellite already running) from leaving files.
     */
    static void portIsFree(String bind, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + bind + " is not available (" + e.getMessage()
                    + "): stop what uses it, or start with another --port");
        }
    }

    /** An existing dir must be a writable directory; a missing one needs a writable directory to be made in. */
    static void usable(Path dir, String what, String flag) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new IllegalStateException(what + " " + absolute + " exists but is not a directory; "
                        + "remove it or choose another " + flag);
            }
            if (!Files.isWritable(absolute) || !Files.isExecutable(absolute)) {
                throw new IllegalStateException(what + " " + absolute + " is not writable by this user; "
                        + "fix its permissions or choose another " + flag);
            }
            return;
        }
        Path parent = absolute.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalStateException(what + " " + absolute + " cannot be created: "
                    + (parent == null ? "no existing parent" : parent + " is not a writable directory")
                    + "; choose another " + flag);
        }
    }
}
