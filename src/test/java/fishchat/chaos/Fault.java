package fishchat.chaos;

import java.util.Random;

/**
 * One kind of failure. {@link #strike} breaks something and repairs it before returning
 * (a restart after a pause), so faults never pile up and the round always ends whole.
 */
interface Fault {
    /** Short name in the counts line: kill9, pg, etcd. */
    String kind();

    /** Breaks, waits, repairs; returns what happened, for the fault's log line. */
    String strike(Random random) throws Exception;

    /** A pause in [min, max) milliseconds. */
    static long pause(Random random, long minMillis, long maxMillis) {
        return minMillis + (long) (random.nextDouble() * (maxMillis - minMillis));
    }
}
