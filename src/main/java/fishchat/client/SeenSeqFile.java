package fishchat.client;

import fishchat.common.PrivateFiles;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The newest seq this device has seen, for one uid on one server, so that the next start
 * can tell what is new. One small file per (server, uid) under {@code DIR/seen/}: two
 * clients of different users never write the same file. Written whole to a temp file and
 * renamed over the old one, so a crash leaves the old value or the new, never half of one;
 * mode 0600, as it tells who talks here and how much.
 */
public final class SeenSeqFile {
    private final Path file;
    private final String server;
    private final long uid;

    private SeenSeqFile(Path file, String server, long uid) {
        this.file = file;
        this.server = server;
        this.uid = uid;
    }

    /** @param server the address the user named, e.g. {@code 127.0.0.1:10000} */
    public static SeenSeqFile of(Path dir, String server, long uid) {
        String name = server.replaceAll("[^A-Za-z0-9._-]", "_") + "-uid" + uid;
        return new SeenSeqFile(dir.resolve("seen").resolve(name), server, uid);
    }

    public Path path() {
        return file;
    }

    /** The seq saved last time; empty when this device never chatted as this uid on this server. */
    public OptionalLong read() throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException first) {
            return OptionalLong.empty();
        }
        String value = p.getProperty("lastSeq");
        try {
            return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": lastSeq is not a number: " + value);
        }
    }

    /** Replaces the saved seq with this one. */
    public void write(long lastSeq) throws IOException {
        Path temp = PrivateFiles.tempFile(file.getParent(), file.getFileName().toString());
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                out.write("# fishchat chat: the newest message this device has seen\n");
                out.write("server=" + server + "\n");
                out.write("uid=" + uid + "\n");
                out.write("lastSeq=" + lastSeq + "\n");
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
