package fishchat.bench;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logged-in, idle users: {@code users} clients log in through the gateways or straight on
 * access servers and then only ping, for {@code hold}. Meant to be measured from outside
 * (the server's RSS, or its heap after a full GC with {@code jcmd PID GC.run} and
 * {@code GC.heap_info}): what does a logged-in user who says nothing cost?
 *
 * <p>"Idle" as a real client is: {@link ChatClient} still syncs every 10 s, as
 * FishChatServer2's clients do. With {@code sendFirst} each user also sends one message
 * (to the next user) right after logging in: an active-then-idle session.
 */
public final class IdleBench {
    private static final Duration PING_EVERY = Duration.ofSeconds(30);

    private final LoadUsers load;
    private final int users;
    private final Duration hold;
    private final boolean sendFirst;

    public IdleBench(LoadUsers load, int users, Duration hold) {
        this(load, users, hold, false);
    }

    public IdleBench(LoadUsers load, int users, Duration hold, boolean sendFirst) {
        this.load = load;
        this.users = users;
        this.hold = hold;
        this.sendFirst = sendFirst;
    }

    public long run(PrintStream out) throws InterruptedException {
        List<ChatClient> clients = java.util.Collections.synchronizedList(new ArrayList<>(users));
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService dialers = Executors.newFixedThreadPool(32, Thread.ofVirtual().factory())) {
            for (int i = 0; i < users; i++) {
                int n = i;
                dialers.submit(() -> {
                    try {
                        ChatClient client = load.logIn(n, m -> { }, ChatClient.FROM_NEWEST);
                        clients.add(client);
                        if (sendFirst && client.sendP2P(load.uid((n + 1) % users), "idle-" + n, "hello") != ErrorCode.OK) {
                            failed.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                });
            }
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "logged in %d of %d users in %.1f s; holding %d s%n",
                clients.size(), users, openSeconds, hold.toSeconds());
        out.flush();
        long until = System.nanoTime() + hold.toNanos();
        long pingFailures = 0;
        while (System.nanoTime() < until) {
            Thread.sleep(Math.min(PING_EVERY.toMillis(), Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            if (System.nanoTime() >= until) {
                break;
            }
            for (ChatClient client : clients) {
                try {
                    client.ping();
                } catch (IOException e) {
                    pingFailures++;
                }
            }
        }
        long alive = clients.stream().filter(c -> !c.isClosed()).count();
        clients.forEach(ChatClient::close);
        out.printf(Locale.ROOT, "RESULT bench=idle users=%d logged_in=%d failed=%d open_s=%.1f held_s=%d still_open=%d ping_failures=%d%n",
                users, clients.size(), failed.get(), openSeconds, hold.toSeconds(), alive, pingFailures);
        return failed.get() + (clients.size() - alive);
    }
}
