package fishchat.chaos;

import fishchat.testing.PostgresServer;

import java.util.Random;

/** PostgreSQL stopped (fast shutdown: every connection cut at once) and started again after a pause. */
final class RestartPostgres implements Fault {
    private final PostgresServer pg;

    RestartPostgres(PostgresServer pg) {
        this.pg = pg;
    }

    @Override
    public String kind() {
        return "pg";
    }

    @Override
    public String strike(Random random) throws Exception {
        pg.stop();
        long down = Fault.pause(random, 500, 3000);
        try {
            Thread.sleep(down);
        } finally {
            pg.start();
        }
        return "PostgreSQL stopped, down " + down + " ms, started again";
    }
}
