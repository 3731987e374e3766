package fishchat.common;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static java.lang.System.Logger.Level.INFO;

/**
 * A data directory only its owner can enter (0700) and files only its owner can read (0600),
 * whatever the process's umask: conversations, the token secret and API keys are nobody
 * else's business on a shared machine. A directory or file found with wider permissions is
 * narrowed, and the log says so.
 */
public final class PrivateFiles {
    private static final System.Logger LOG = System.getLogger(PrivateFiles.class.getName());
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and missing parents, which keep the umask's) as 0700, or narrows it to 0700. */
    public static Path directory(Path dir) throws IOException {
        if (!POSIX) {
            return Files.createDirectories(dir);
        }
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // Made by another process meanwhile: narrowed below.
            }
        }
        narrow(dir, DIRECTORY);
        return dir;
    }

    /** Creates an empty {@code file} as 0600, or narrows an existing one to 0600. */
    public static Path file(Path file) throws IOException {
        if (!POSIX) {
            return file;
        }
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } catch (FileAlreadyExistsException e) {
                // Made by another process meanwhile: narrowed below.
            }
        }
        narrow(file, FILE);
        return file;
    }

    /** Narrows {@code file} to 0600 if it exists. */
    public static void narrowIfPresent(Path file) throws IOException {
        if (POSIX && Files.exists(file)) {
            narrow(file, FILE);
        }
    }

    /** A new empty 0600 file in {@code dir} (made 0700 if missing), to write and then move into place. */
    public static Path tempFile(Path dir, String prefix) throws IOException {
        directory(dir);
        return POSIX ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(FILE))
                : Files.createTempFile(dir, prefix, ".tmp");
    }

    private static void narrow(Path path, Set<PosixFilePermission> wanted) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
        if (!current.equals(wanted)) {
            Files.setPosixFilePermissions(path, wanted);
            LOG.log(INFO, "{0}: permissions narrowed from {1} to {2}", path, PosixFilePermissions.toString(current),
                    PosixFilePermissions.toString(wanted));
        }
    }
}
