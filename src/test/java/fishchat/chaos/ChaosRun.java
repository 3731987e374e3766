package fishchat.chaos;

import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One chaos round, start to finish: start the deployment, run the load while faults strike
 * for the configured time (longer only until every fault kind has struck once), stop the
 * faults (each repairs what it broke), let the load finish the message in hand, then read
 * every user's inbox from seq 0 and hold it against the ledger. Everything it started is
 * stopped on the way out, failure or not.
 */
public final class ChaosRun {
    /** How long the round may overrun its duration for the first round of faults to complete. */
    private static final long FIRST_ROUND_GRACE_MILLIS = 90_000;

    private final ChaosConfig config;
    private final ChaosLog log;

    public ChaosRun(ChaosConfig config, PrintStream out) {
        this.config = config;
        this.log = new ChaosLog(out);
    }

    public ChaosResult run() throws Exception {
        log.line("start: " + config);
        Path work = Files.createTempDirectory("fishchat-chaos-");
        try (Deployment deployment = config.mode() == ChaosConfig.Mode.CLUSTER
                ? ClusterDeployment.start(work) : StandaloneDeployment.start(work)) {
            log.line("deployment up, gateway " + deployment.gateway());
            return runOn(deployment);
        } finally {
            deleteTree(work);
        }
    }

    private ChaosResult runOn(Deployment deployment) throws Exception {
        Ledger ledger = new Ledger();
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicLong logins = new AtomicLong();
        List<LoadUser> users = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (long uid = 1; uid <= config.users(); uid++) {
            LoadUser user = new LoadUser(uid, config.users(), deployment, ledger, config.seed(), config.ratePerUser(),
                    stopping, logins);
            users.add(user);
            threads.add(Thread.ofVirtual().name("chaos-user-" + uid).start(user));
        }
        FaultInjector faults = new FaultInjector(deployment.faults(), config.faultInterval().toMillis(), config.seed(), log);
        ConnectionCutter cutter = new ConnectionCutter(users, config.cutInterval().toMillis(), config.seed() + 1, log);
        try {
            faults.start();
            cutter.start();
            Thread.sleep(config.duration().toMillis());
            if (!faults.awaitFirstRound(FIRST_ROUND_GRACE_MILLIS)) {
                log.line("not every fault kind struck within the grace period");
            }
        } finally {
            faults.stopAndJoin();
            cutter.stopAndJoin();
            log.line("faults stopped; letting the load finish the messages in hand");
            stopping.set(true);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(90));
            }
        }
        if (faults.failure() != null) {
            throw new IllegalStateException("a fault could not be repaired", faults.failure());
        }
        long loadEnded = log.elapsedSeconds();
        log.line("load stopped: " + ledger.sentCount() + " sent, " + ledger.acknowledgedCount()
                + " acknowledged; reading every inbox from seq 0");

        InboxAudit audit = new InboxAudit();
        InboxReader reader = new InboxReader(deployment);
        for (long uid = 1; uid <= config.users(); uid++) {
            List<offsetMsg> inbox = reader.readAll(uid, Duration.ofSeconds(60));
            audit.check(uid, ledger.entriesFor(uid), inbox);
        }
        audit.problems.forEach(p -> log.line("PROBLEM " + p));

        Map<String, Integer> faultCounts = new LinkedHashMap<>(faults.counts());
        faultCounts.put("cuts", cutter.cuts());
        return new ChaosResult(config.mode().name().toLowerCase(Locale.ROOT), ledger.sentCount(), ledger.attemptCount(),
                ledger.acknowledgedCount(), ledger.abandonedCount(), ledger.failures(), logins.get(), audit.delivered,
                audit.lost, audit.duplicated, audit.misordered, audit.storedUnacknowledged, faultCounts, loadEnded,
                List.copyOf(audit.problems));
    }

    /** Prints the detail line and then the counts line, which is always the last. */
    public void report(ChaosResult result) {
        log.line(result.detailLine());
        log.last(result.line());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
