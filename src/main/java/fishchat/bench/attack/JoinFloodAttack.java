package fishchat.bench.attack;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One user on several sessions joins group after group (a new id each time) as fast as the
 * server answers: memberships are rows that stay. Joins count against the user's request rate
 * and its group cap, so few are acknowledged.
 */
public final class JoinFloodAttack {
    private JoinFloodAttack() {
    }

    public record Outcome(long joined, long rateLimited, long refused, double seconds) {
        public String resultLine() {
            return String.format(java.util.Locale.ROOT, "RESULT attack=join-flood joined=%d rate_limited=%d refused=%d seconds=%.1f",
                    joined, rateLimited, refused, seconds);
        }
    }

    public static Outcome run(InetSocketAddress access, long uid, String token, int sessions, long firstGroup,
                              Duration duration) throws InterruptedException {
        AtomicLong nextGroup = new AtomicLong(firstGroup);
        AtomicLong joined = new AtomicLong();
        AtomicLong rateLimited = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Thread[] joiners = new Thread[sessions];
        for (int s = 0; s < sessions; s++) {
            joiners[s] = Thread.ofVirtual().start(() -> {
                try (ChatClient client = ChatClient.connect(access, null, message -> { })) {
                    client.login(uid, token, ChatClient.FROM_NEWEST);
                    while (System.nanoTime() < end && !client.isClosed()) {
                        ErrorCode code = client.join(nextGroup.getAndIncrement());
                        (code == ErrorCode.OK ? joined : code == ErrorCode.RATE_LIMITED ? rateLimited : refused).incrementAndGet();
                    }
                } catch (IOException e) {
                    refused.incrementAndGet();
                }
            });
        }
        for (Thread joiner : joiners) {
            joiner.join();
        }
        return new Outcome(joined.get(), rateLimited.get(), refused.get(), (System.nanoTime() - start) / 1e9);
    }
}
