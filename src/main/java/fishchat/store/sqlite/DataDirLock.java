package fishchat.store.sqlite;

import fishchat.common.PrivateFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process at a time on a data dir. A node keeps the newest inbox entries it stored in
 * memory and answers syncs from them, which is right only while every write to the file is its
 * own; a second process on the same file would make those answers stale. An OS lock on a file in
 * the dir: released when the process exits, however it exits (kill -9 too), so a restart never
 * finds a stale lock.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "fishchat.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock on {@code dataDir}, or says which process holds it. */
    static DataDirLock take(Path dataDir) throws IOException {
        Path file = PrivateFiles.file(dataDir.resolve(FILE_NAME));
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this process holds it already (a second store on the same dir)
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new IOException("the data dir is in use by another fishchat process" + holder
                    + "; one process per data dir (several nodes share a PostgreSQL store: --store-url)");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new DataDirLock(channel, lock);
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer pid = ByteBuffer.allocate(24);
        channel.read(pid, 0);
        String text = new String(pid.array(), 0, pid.position(), StandardCharsets.US_ASCII).strip();
        return text.matches("\\d+") ? " (pid " + text + ")" : "";
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
