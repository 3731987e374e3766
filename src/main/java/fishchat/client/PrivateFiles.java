package fishchat.client;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files only their owner may read (0600, in 0700 directories): what the client keeps says
 * whom the user talks to and what they typed. On a file system without POSIX permissions
 * the platform's defaults apply.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    public static void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir, permissions("rwx------"));
    }

    /** Creates an empty file of the owner's alone, unless it exists. */
    public static void createFileIfMissing(Path file) throws IOException {
        createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.createFile(file, permissions("rw-------"));
        }
    }

    /** A new empty file of the owner's alone in {@code dir}, for writing and then renaming into place. */
    public static Path createTempFile(Path dir, String prefix) throws IOException {
        createDirectories(dir);
        return Files.createTempFile(dir, prefix, ".tmp", permissions("rw-------"));
    }

    private static FileAttribute<?>[] permissions(String rwx) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(rwx))}
                : new FileAttribute<?>[0];
    }
}
