package fishchat.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short chaos round of each deployment under steady load: kill -9 of servers, PostgreSQL
 * and etcd stopped and started (cluster), client connections reset at random. Every message
 * a client was told is stored must come back from a fresh sync exactly once, in order.
 * {@code bin/chaos} runs the same rounds for as long as asked.
 */
class ChaosTest {
    /** A fixed seed: the fault order is the same in every build (timing still varies). */
    private static final long SEED = 20_260_710;

    @Test
    @Timeout(240)
    void standaloneLosesAndDuplicatesNothingAcknowledged() throws Exception {
        assertRoundClean(ChaosConfig.shortRound(ChaosConfig.Mode.STANDALONE, SEED));
    }

    @Test
    @Timeout(300)
    void clusterLosesAndDuplicatesNothingAcknowledged() throws Exception {
        assertRoundClean(ChaosConfig.shortRound(ChaosConfig.Mode.CLUSTER, SEED));
    }

    private static void assertRoundClean(ChaosConfig config) throws Exception {
        ChaosRun run = new ChaosRun(config, System.out);
        ChaosResult result = run.run();
        run.report(result);
        String line = result.line() + " " + result.problems();
        assertTrue(result.acknowledged() > 0, "nothing was acknowledged: " + line);
        assertEquals(0, result.lost(), line);
        assertEquals(0, result.duplicated(), line);
        assertEquals(0, result.misordered(), line);
        assertEquals(result.acknowledged(), result.delivered(), line);
        result.faults().forEach((kind, count) -> assertTrue(count > 0, "no " + kind + " fault struck: " + line));
    }
}
