package fishchat.common;

import static java.lang.System.Logger.Level.ERROR;

/**
 * What a long-lived thread of ours (an accept loop, a sweeper, a timer) does with a
 * {@link Throwable} it did not expect: it never dies of it silently. A
 * {@link VirtualMachineError} (out of memory, an internal error) ends the process: a node that
 * cannot allocate serves nobody, and a supervisor such as systemd restarts a process that
 * ended, not one that lingers alive. A {@link StackOverflowError} is the exception: it is that
 * one thread's, its frames are unwound and nothing else is harmed, and ending the process for
 * it would let one deep input take a node down; it is logged with its top frames. Anything else
 * is logged with its stack trace, and the thread carries on.
 */
public final class Fatal {
    private static final System.Logger LOG = System.getLogger(Fatal.class.getName());
    /** The exit status of a JVM ended by -XX:+ExitOnOutOfMemoryError, so both look alike to a supervisor. */
    public static final int EXIT_STATUS = 3;

    private Fatal() {
    }

    /** Logs {@code failure} met in {@code where}; returns for an ordinary bug, ends the process for a VM error. */
    public static void unexpected(String where, Throwable failure) {
        if (failure instanceof StackOverflowError) {
            LOG.log(ERROR, where + ": stack overflow at " + topFrames(failure, 8) + "; carrying on");
            return;
        }
        if (failure instanceof VirtualMachineError) {
            try {
                System.err.println("fishchat: " + where + ": " + failure + "; ending the process");
                LOG.log(ERROR, where + ": " + failure + "; ending the process");
            } catch (Throwable ignored) {
                // Out of memory even for the message: end all the same.
            }
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
        LOG.log(ERROR, where + " failed; carrying on", failure);
    }

    /**
     * For {@link Thread#setDefaultUncaughtExceptionHandler}: a thread that ends by a throwable
     * nobody caught says so (one line and its stack trace); a VM error ends the process.
     */
    public static void uncaught(Thread thread, Throwable failure) {
        if (failure instanceof VirtualMachineError) {
            unexpected("thread " + thread.getName(), failure);
            return;
        }
        LOG.log(ERROR, "thread " + thread.getName() + " ended by an uncaught " + failure, failure);
    }

    /** The first {@code n} frames, on one line: a stack overflow's whole trace is a thousand lines of the same few. */
    private static String topFrames(Throwable failure, int n) {
        StackTraceElement[] frames = failure.getStackTrace();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < Math.min(n, frames.length); i++) {
            line.append(i == 0 ? "" : " < ").append(frames[i]);
        }
        return line.toString();
    }
}
