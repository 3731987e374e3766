package fishchat.web;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is configured already: fishchat sets up java.util.logging itself
 * (one line per event, see cli.Logging), and Helidon's own loggers write through it. Without a
 * provider Helidon prints a line of its own to stderr at start-up.
 */
public final class HelidonLogging implements LoggingProvider {
    @Override
    public void initialization() {
    }

    @Override
    public void runTime() {
    }
}
