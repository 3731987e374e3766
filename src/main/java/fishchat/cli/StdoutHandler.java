package fishchat.cli;

import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Logs to standard output, flushed per record, so that journald and pipes get every line
 * at once. A ReentrantLock, not StreamHandler's {@code synchronized}: session threads log,
 * and on JDK 21 a virtual thread blocked on a slow stdout inside {@code synchronized}
 * would pin its carrier.
 */
public final class StdoutHandler extends Handler {
    private final ReentrantLock lock = new ReentrantLock();
    private final PrintStream out = System.out;

    public StdoutHandler() {
        setFormatter(new LineFormatter());
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line;
        try {
            line = getFormatter().format(record);
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        lock.lock();
        try {
            out.print(line);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        flush(); // never close System.out
    }
}
