package fishchat.cli;

import java.util.logging.LogManager;

/**
 * A LogManager that does not tear down its handlers in the JDK's own shutdown hook: that
 * hook runs at the same time as ours, so the lines an orderly shutdown writes (deregistered,
 * sessions closed, store closed) were lost. Every record is flushed as it is written, so
 * nothing is left buffered when the JVM exits.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        if (Thread.currentThread().getClass().getName().startsWith(LogManager.class.getName() + "$")) {
            return; // the JDK's shutdown hook (LogManager$Cleaner)
        }
        super.reset();
    }
}
