package dev.smartsat.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The modes of SPEC §13 "Files": the data and certs dirs 0700, the database, keys and credentials 0600, also
 * when they already exist with looser modes. The database holds registration tokens in plain text.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /** Creates {@code dir} (and its parents) if needed and makes it owner-only. */
    public static Path directory(Path dir) {
        try {
            Files.createDirectories(dir);
            if (posix(dir)) {
                Files.setPosixFilePermissions(dir, DIR);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.toAbsolutePath() + " as an owner-only directory", e);
        }
    }

    /** Creates {@code file} empty if it does not exist, and makes it owner-only (read and write). */
    public static Path file(Path file) {
        try {
            if (posix(file.toAbsolutePath().getParent())) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
                } catch (FileAlreadyExistsException e) {
                    // tightened below
                }
                Files.setPosixFilePermissions(file, FILE);
            } else if (!Files.exists(file)) {
                Files.createFile(file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file.toAbsolutePath() + " an owner-only file", e);
        }
    }

    /** Makes {@code file} owner-only if it exists. */
    public static void ifExists(Path file) {
        if (Files.exists(file)) {
            file(file);
        }
    }

    private static boolean posix(Path path) throws IOException {
        return path != null && Files.getFileStore(path).supportsFileAttributeView("posix");
    }
}
