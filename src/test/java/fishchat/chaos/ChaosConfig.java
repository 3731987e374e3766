package fishchat.chaos;

import fishchat.cli.DurationConverter;

import java.time.Duration;
import java.util.Locale;

/**
 * One chaos round: what runs (a standalone process, or gateway + two access nodes on
 * PostgreSQL and etcd), for how long, how much load, and how often faults strike. The seed
 * fixes the order of faults and the users' choices, so a failing round can be rerun.
 *
 * @param users         load users; each sends to random others and is a recipient itself
 * @param ratePerUser   messages a second each user tries to send
 * @param faultInterval mean pause between two process faults (kill -9, PostgreSQL, etcd)
 * @param cutInterval   mean pause between two cut client connections
 */
public record ChaosConfig(Mode mode, Duration duration, long seed, int users, double ratePerUser,
                          Duration faultInterval, Duration cutInterval) {
    public enum Mode { STANDALONE, CLUSTER }

    public ChaosConfig {
        if (users < 2) {
            throw new IllegalArgumentException("at least 2 users (they send to each other)");
        }
        if (ratePerUser <= 0 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("rate and duration must be positive");
        }
    }

    /** The round bin/test runs: short, but long enough for every fault kind to strike. */
    public static ChaosConfig shortRound(Mode mode, long seed) {
        return mode == Mode.CLUSTER
                ? new ChaosConfig(mode, Duration.ofSeconds(24), seed, 10, 8, Duration.ofSeconds(3), Duration.ofMillis(800))
                : new ChaosConfig(mode, Duration.ofSeconds(12), seed, 8, 8, Duration.ofSeconds(3), Duration.ofMillis(800));
    }

    /** The long round's defaults, changed by {@code --mode --duration --seed --users --rate --fault-interval --cut-interval}. */
    public static ChaosConfig parse(String... args) {
        Mode mode = Mode.CLUSTER;
        Duration duration = Duration.ofMinutes(10);
        long seed = System.currentTimeMillis();
        int users = 20;
        double rate = 10;
        Duration faultInterval = Duration.ofSeconds(10);
        Duration cutInterval = Duration.ofSeconds(1);
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--mode" -> mode = Mode.valueOf(value.toUpperCase(Locale.ROOT));
                case "--duration" -> duration = DurationConverter.parse(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--users" -> users = Integer.parseInt(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--fault-interval" -> faultInterval = DurationConverter.parse(value);
                case "--cut-interval" -> cutInterval = DurationConverter.parse(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag
                        + " (--mode cluster|standalone --duration 10m --seed N --users N --rate R --fault-interval 10s --cut-interval 1s)");
            }
        }
        return new ChaosConfig(mode, duration, seed, users, rate, faultInterval, cutInterval);
    }

    @Override
    public String toString() {
        return "mode=" + mode.name().toLowerCase(Locale.ROOT) + " duration=" + duration.toSeconds() + "s seed=" + seed
                + " users=" + users + " rate=" + ratePerUser + "/s/user fault-interval=" + faultInterval.toMillis()
                + "ms cut-interval=" + cutInterval.toMillis() + "ms";
    }
}
