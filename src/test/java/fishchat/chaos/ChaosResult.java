package fishchat.chaos;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a round counted. {@link #line()} is the round's last line; lost, duplicated and
 * misordered must be 0.
 *
 * @param sent        messages (distinct msgIDs) the load tried to send
 * @param delivered   acknowledged messages found exactly where the ledger says, once or more
 * @param faults      strikes per kind, cuts included, in print order
 */
public record ChaosResult(String mode, long sent, long attempts, long acknowledged, long abandoned,
                          Map<String, Long> failedAttempts, long logins, long delivered, long lost, long duplicated,
                          long misordered, long storedUnacknowledged, Map<String, Integer> faults, long seconds,
                          java.util.List<String> problems) {

    public boolean clean() {
        return lost == 0 && duplicated == 0 && misordered == 0 && acknowledged > 0 && delivered == acknowledged;
    }

    /** The detail above the last line: how hard the load had to try. */
    public String detailLine() {
        return "chaos: attempts=" + attempts + " failed-attempts=" + failedAttempts + " abandoned=" + abandoned
                + " stored-unacknowledged=" + storedUnacknowledged + " logins=" + logins;
    }

    public String line() {
        String faultList = faults.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
        return "chaos: sent=" + sent + " acknowledged=" + acknowledged + " delivered=" + delivered + " lost=" + lost
                + " duplicated=" + duplicated + " misordered=" + misordered + " faults=" + faultList
                + " duration=" + seconds + "s mode=" + mode;
    }
}
