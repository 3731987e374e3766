package fishchat.cli;

import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/** Logs to standard output, flushed per record, so that journald and pipes get every line at once. */
public final class StdoutHandler extends StreamHandler {
    public StdoutHandler() {
        super(System.out, new LineFormatter());
    }

    @Override
    public void publish(LogRecord record) {
        super.publish(record);
        flush();
    }

    @Override
    public void close() {
        flush(); // never close System.out
    }
}
