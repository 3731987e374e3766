package fishchat.chaos;

/**
 * {@code bin/chaos}: a chaos round of any length from the command line, on the test
 * classpath. Prints one line per fault as it strikes and the counts line last; exits 0 only
 * when nothing acknowledged was lost, duplicated or misordered.
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) {
        int exit;
        try {
            ChaosConfig config = ChaosConfig.parse(args);
            ChaosRun run = new ChaosRun(config, System.out);
            ChaosResult result = run.run();
            run.report(result);
            exit = result.clean() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            System.out.println("chaos: " + e.getMessage());
            exit = 2;
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println("chaos: failed: " + t);
            exit = 1;
        }
        System.exit(exit); // daemon threads and the JDK's HTTP client must not keep the JVM up
    }
}
