package fishchat.bench;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

/**
 * Durable one-to-one chat under a fixed offered rate: {@code users} clients log in through the
 * gateways or straight on access servers, each sends to random other users on a fixed
 * schedule (the schedule does not wait between sends, but each user has one send in flight,
 * so when acks take longer than a user's interval it falls behind: compare sent with
 * offered), and receivers pull on notify as a real client does. Send→ack is the durable
 * acknowledgement; send→delivered is until the receiver's sync returned it; both are
 * timed from when the send was due on the schedule, so a user that fell behind counts
 * its backlog (open loop, no coordinated omission). Only sends
 * started within the window are made. With users on more than one access node and
 * {@code crossNode}, senders write only to users on another node, so every message is
 * delivered across nodes.
 */
public final class ChatBench {
    private final LoadUsers load;
    private final int users;
    private final double rate;
    private final Duration duration;
    private final int messageBytes;
    private final boolean crossNode;
    private final LatencyHistogram ackLatency = new LatencyHistogram();
    private final LatencyHistogram deliveredLatency = new LatencyHistogram();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public ChatBench(LoadUsers load, int users, double rate, Duration duration, int messageBytes, boolean crossNode) {
        if (users < 2) {
            throw new IllegalArgumentException("need at least 2 users");
        }
        this.load = load;
        this.users = users;
        this.rate = rate;
        this.duration = duration;
        this.messageBytes = messageBytes;
        this.crossNode = crossNode;
    }

    public long run(PrintStream out) throws IOException, InterruptedException {
        List<ChatClient> clients = logIn();
        NodeLayout layout = layoutOf(clients);
        boolean acrossNodes = crossNode && layout.nodes() > 1;
        out.printf(Locale.ROOT, "bench chat: %d users on %d access node%s (%s), %s%n", users, layout.nodes(),
                layout.nodes() == 1 ? "" : "s", load.targets(), acrossNodes ? "cross-node sends" : "sends to any user");
        out.flush();
        IntUnaryOperator recipients = acrossNodes
                ? sender -> layout.userOnAnotherNode(sender, ThreadLocalRandom.current())
                : sender -> layout.anyOtherUser(sender, ThreadLocalRandom.current());
        long interval = (long) (1e9 * users / rate); // nanoseconds between one user's sends
        long start = System.nanoTime() + 200_000_000L;
        long end = start + duration.toNanos();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients.size(); i++) {
                int sender = i;
                long offset = ThreadLocalRandom.current().nextLong(interval); // spread users over the interval
                senders.submit(() -> sendLoop(clients.get(sender), sender, recipients, start + offset, interval, end));
            }
        }
        // Let the last notifies and syncs land.
        long graceUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (delivered.get() < acked.get() && System.nanoTime() < graceUntil) {
            Thread.sleep(20);
        }
        for (ChatClient client : clients) {
            client.close();
        }
        double seconds = duration.toNanos() / 1e9;
        long lost = acked.get() - delivered.get();
        out.printf(Locale.ROOT, "RESULT bench=chat users=%d offered_per_s=%.0f duration_s=%.1f sent=%d acked=%d "
                        + "delivered=%d msg_per_s=%.0f ack_p50_us=%d ack_p99_us=%d ack_p999_us=%d "
                        + "delivered_p50_us=%d delivered_p99_us=%d delivered_p999_us=%d undelivered=%d errors=%d%n",
                users, rate, seconds, sent.get(), acked.get(), delivered.get(), acked.get() / seconds,
                ackLatency.percentileMicros(0.5), ackLatency.percentileMicros(0.99), ackLatency.percentileMicros(0.999),
                deliveredLatency.percentileMicros(0.5), deliveredLatency.percentileMicros(0.99),
                deliveredLatency.percentileMicros(0.999), lost, errors.get());
        return errors.get() + lost;
    }

    private List<ChatClient> logIn() throws IOException, InterruptedException {
        // From the newest seq: earlier runs' messages are not this run's deliveries.
        return UserLogins.all(users, n -> load.logIn(n, new Receiver(), ChatClient.FROM_NEWEST));
    }

    /** Which node each user landed on: known only after login when a gateway chose. */
    private NodeLayout layoutOf(List<ChatClient> clients) {
        List<Object> nodes = new ArrayList<>(clients.size());
        for (int n = 0; n < clients.size(); n++) {
            nodes.add(load.targets().nodeOf(n, clients.get(n)));
        }
        return new NodeLayout(nodes);
    }

    private void sendLoop(ChatClient client, int sender, IntUnaryOperator recipients, long first, long interval, long end) {
        String padding = TimedText.padding(messageBytes);
        long next = first;
        // A user sends one message at a time; when acks are slower than its interval it falls
        // behind its schedule (sent < offered), and stops at the end of the window regardless.
        while (next < end && System.nanoTime() < end) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
            long target = load.uid(recipients.applyAsInt(sender));
            // Timed from when the send was due, not from when it went: a send held up behind a
            // slow one counts its wait (no coordinated omission).
            long sentAt = next;
            sent.incrementAndGet();
            try {
                ErrorCode code = client.sendP2P(target, "", TimedText.of(sentAt, padding));
                long now = System.nanoTime();
                if (code == ErrorCode.OK) {
                    acked.incrementAndGet();
                    ackLatency.recordNanos(now - sentAt);
                } else {
                    errors.incrementAndGet();
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            }
            next += interval;
        }
    }

    /** Counts a delivery when a receiver's sync hands it a message sent during this run. */
    private final class Receiver implements ChatClient.Listener {
        @Override
        public void onMessage(offsetMsg message) {
            long sentAt = TimedText.sentAtNanos(message.getMsg());
            if (sentAt >= 0) {
                deliveredLatency.recordNanos(System.nanoTime() - sentAt);
                delivered.incrementAndGet();
            }
        }
    }
}
