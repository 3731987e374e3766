package fishchat.bench.attack;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One user sends in bursts, each on a fresh connection and login, to get a full allowance
 * every time; and, when asked, from several sessions at once. A server whose send rate is per
 * session stores burst after burst; ours holds the user to its rate whatever it does.
 */
public final class ReconnectBurstAttack {
    private ReconnectBurstAttack() {
    }

    /** Sends the server stored (errCode 0) and refused as rate limited, over {@code seconds}. */
    public record Outcome(long stored, long rateLimited, long other, double seconds) {
        public double storedPerSecond() {
            return stored / seconds;
        }

        public String resultLine() {
            return String.format(java.util.Locale.ROOT,
                    "RESULT attack=reconnect-burst stored=%d rate_limited=%d other=%d seconds=%.1f stored_per_s=%.1f",
                    stored, rateLimited, other, seconds, storedPerSecond());
        }
    }

    /**
     * @param perBurst sends on each connection before it is dropped and another logs in
     * @param sessions connections bursting at once, all as {@code uid}
     */
    public static Outcome run(InetSocketAddress access, long uid, String token, long victim, int perBurst, int sessions,
                              Duration duration) throws InterruptedException {
        long[] counts = new long[3];
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Thread[] senders = new Thread[sessions];
        for (int s = 0; s < sessions; s++) {
            senders[s] = Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    burst(access, uid, token, victim, perBurst, end, counts);
                }
            });
        }
        for (Thread sender : senders) {
            sender.join();
        }
        return new Outcome(counts[0], counts[1], counts[2], (System.nanoTime() - start) / 1e9);
    }

    private static void burst(InetSocketAddress access, long uid, String token, long victim, int perBurst, long end,
                              long[] counts) {
        try (ChatClient client = ChatClient.connect(access, null, message -> { })) {
            client.login(uid, token, ChatClient.FROM_NEWEST);
            for (int i = 0; i < perBurst && System.nanoTime() < end; i++) {
                ErrorCode code = client.sendP2P(victim, "", "burst");
                synchronized (counts) {
                    counts[code == ErrorCode.OK ? 0 : code == ErrorCode.RATE_LIMITED ? 1 : 2]++;
                }
                if (client.isClosed()) {
                    return;
                }
            }
        } catch (IOException e) {
            synchronized (counts) {
                counts[2]++;
            }
        }
    }
}
