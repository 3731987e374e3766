package fishchat.bench;

/**
 * The text of a load message: its send time ({@link System#nanoTime()}) first, then padding
 * to the wanted size, so that a receiver in the same process can time the delivery and tell
 * this run's messages from anything else in an inbox.
 */
final class TimedText {
    private TimedText() {
    }

    /** Padding that brings a message of {@code messageBytes} to about that size. */
    static String padding(int messageBytes) {
        return "x".repeat(Math.max(0, messageBytes - 20));
    }

    static String of(long sentAtNanos, String padding) {
        return sentAtNanos + " " + padding;
    }

    /** The send time written by {@link #of}, or -1 when the text is not a load message. */
    static long sentAtNanos(String text) {
        int space = text.indexOf(' ');
        if (space <= 0) {
            return -1;
        }
        try {
            return Long.parseLong(text.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
