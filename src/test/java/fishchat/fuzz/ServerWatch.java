package fishchat.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a server under fuzzing said that it should not have: a log record at WARNING or above
 * from fishchat's loggers (FrameServer logs a handler's unexpected exception as ERROR "handler
 * failed"; a store write that failed on odd input is a WARNING), or an exception that escaped
 * any thread. Routine INFO lines (a session opened, closed, logged in) are turned off while
 * fuzzing: at thousands of sessions a second they would only fill the test log.
 */
final class ServerWatch extends Handler implements Thread.UncaughtExceptionHandler {
    private final Logger fishchat = Logger.getLogger("fishchat"); // held: JUL keeps loggers weakly
    private final Level previousLevel;
    private final Thread.UncaughtExceptionHandler previousHandler;
    private final List<String> problems = new ArrayList<>();

    private ServerWatch() {
        previousLevel = fishchat.getLevel();
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        setLevel(Level.WARNING);
    }

    static ServerWatch install() {
        ServerWatch watch = new ServerWatch();
        watch.fishchat.setLevel(Level.WARNING);
        watch.fishchat.addHandler(watch);
        Thread.setDefaultUncaughtExceptionHandler(watch);
        return watch;
    }

    void uninstall() {
        fishchat.removeHandler(this);
        fishchat.setLevel(previousLevel);
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            String text = record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage();
            if (record.getThrown() != null) {
                text += " -- " + stackTrace(record.getThrown());
            }
            problems.add(text);
        }
    }

    @Override
    public synchronized void uncaughtException(Thread thread, Throwable e) {
        problems.add("uncaught in " + thread + ": " + stackTrace(e));
    }

    /** Fails with what was reported since the last call, if anything. */
    synchronized void assertQuiet(String after) {
        if (!problems.isEmpty()) {
            String all = String.join("\n", problems);
            problems.clear();
            fail("the server reported a problem after " + after + ":\n" + all);
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
