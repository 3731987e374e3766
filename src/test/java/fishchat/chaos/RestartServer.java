package fishchat.chaos;

import java.util.Random;

/**
 * A server the deployment depends on (PostgreSQL, etcd) stopped and started again on the
 * same data dir after a pause. PostgreSQL's stop is a fast shutdown: every connection is
 * cut at once.
 */
final class RestartServer implements Fault {
    /** A blocking stop or start of the server. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private final String kind;
    private final String name;
    private final Step stop;
    private final Step start;
    private final long minDownMillis;
    private final long maxDownMillis;

    RestartServer(String kind, String name, Step stop, Step start, long minDownMillis, long maxDownMillis) {
        this.kind = kind;
        this.name = name;
        this.stop = stop;
        this.start = start;
        this.minDownMillis = minDownMillis;
        this.maxDownMillis = maxDownMillis;
    }

    static RestartServer postgres(fishchat.testing.PostgresServer pg) {
        return new RestartServer("pg", "PostgreSQL", pg::stop, pg::start, 500, 3000);
    }

    static RestartServer etcd(fishchat.testing.EtcdServer etcd) {
        return new RestartServer("etcd", "etcd", etcd::stop, etcd::start, 1000, 4000);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String strike(Random random) throws Exception {
        stop.run();
        long down = Fault.pause(random, minDownMillis, maxDownMillis);
        try {
            Thread.sleep(down);
        } finally {
            start.run();
        }
        return name + " stopped, down " + down + " ms, started again";
    }
}
