package fishchat.common;

/**
 * How many lines of one kind a node logs per window: a client that repeats a fault as fast as
 * it can (a login with a bad token, pipelined) must not fill the disk or crowd out the lines
 * that matter. Lines over the budget are counted, and the next line let through says how many
 * were left out.
 */
public final class LogBudget {
    private final int linesPerWindow;
    private final long windowNanos;
    private long windowStart;
    private boolean started; // System.nanoTime() may be any value, negative too
    private int used;
    private long leftOut;

    public LogBudget(int linesPerWindow, long windowNanos) {
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = windowNanos;
    }

    /**
     * Whether a line may be logged at {@code nanoTime}: -1 when not (it is counted), else how
     * many were left out since the last line let through (say it in that line).
     */
    public synchronized long take(long nanoTime) {
        if (!started || nanoTime - windowStart >= windowNanos) {
            started = true;
            windowStart = nanoTime;
            used = 0;
        }
        if (used >= linesPerWindow) {
            leftOut++;
            return -1;
        }
        used++;
        long said = leftOut;
        leftOut = 0;
        return said;
    }

    /** The end of the line let through: how many of {@code what} were left out before it ("" for none). */
    public static String leftOutNote(long leftOut, String what) {
        return leftOut <= 0 ? "" : " (" + leftOut + " more " + what + " not logged)";
    }
}
