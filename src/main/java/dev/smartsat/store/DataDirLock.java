package dev.smartsat.store;

import dev.smartsat.config.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive OS lock on {@code <data-dir>/smartsat.lock}: a second server pointed at the same data
 * dir fails at start-up with a clear message instead of sharing the SQLite file and its PKI. A command that
 * may also run beside the server ({@code cssm process-sync}) asks with {@link #tryAcquire} instead.
 */
public final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or a clear IllegalStateException when another process (or this one) holds it. */
    public static DataDirLock acquire(Path dataDir) {
        return tryAcquire(dataDir).orElseThrow(() -> new IllegalStateException("data dir " + dataDir.toAbsolutePath()
                + " is in use by another SmartSat server; stop it or start this one with another --data-dir"));
    }

    /**
     * The lock, or empty when a server (or a command holding the lock) runs on the data dir now; an
     * IllegalStateException only when the lock file cannot be used at all.
     */
    public static Optional<DataDirLock> tryAcquire(Path dataDir) {
        Path file = dataDir.resolve("smartsat.lock");
        try {
            OwnerOnly.directory(dataDir);
            OwnerOnly.file(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode("pid " + ProcessHandle.current().pid() + "\n"));
            return Optional.of(new DataDirLock(channel, lock));
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot lock data dir " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the OS releases the lock with the process anyway
        }
    }
}
