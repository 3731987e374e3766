package fishchat.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every log record of this JVM while it is open (fishchat logs through java.util.logging), for tests about the log. */
public final class LogRecords extends Handler implements AutoCloseable {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogRecords() {
        setLevel(Level.ALL);
    }

    public static LogRecords capture() {
        LogRecords capture = new LogRecords();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Records at {@code level} or above from loggers whose name starts with {@code prefix}. */
    public List<LogRecord> atLeast(Level level, String prefix) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
                .filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith(prefix)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
