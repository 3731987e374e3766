package fishchat.chaos;

import java.io.PrintStream;

/** The round's own lines (faults as they strike, phases), stamped with seconds since the start. */
final class ChaosLog {
    private final PrintStream out;
    private final long start = System.nanoTime();

    ChaosLog(PrintStream out) {
        this.out = out;
    }

    void line(String text) {
        synchronized (out) {
            out.printf("chaos [%7.1fs] %s%n", (System.nanoTime() - start) / 1e9, text);
            out.flush();
        }
    }

    /** The last line: printed as given, unstamped, so scripts can take it as it is. */
    void last(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    long elapsedSeconds() {
        return (System.nanoTime() - start) / 1_000_000_000L;
    }
}
