package fishchat.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.logging.LogManager;

/** Loads the bundled logging configuration unless the operator named one (-Djava.util.logging.config.file). */
final class Logging {
    private Logging() {
    }

    static void flush() {
        for (java.util.logging.Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
            handler.flush();
        }
    }

    static void init() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try (InputStream in = Logging.class.getResourceAsStream("/fishchat/logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
