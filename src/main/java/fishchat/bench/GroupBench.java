package fishchat.bench;

import fishchat.client.ChatClient;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group fan-out under a fixed offered rate: {@code members} users log in and join one group;
 * group messages from random members go out on a fixed schedule (open loop: each send starts
 * when it is due, on its own virtual thread, and is timed from then), and every member pulls
 * on notify. It reports two latencies: send→delivered for each (message, member), and
 * send→delivered-to-all, when the last member got the message.
 */
public final class GroupBench {
    private final LoadUsers load;
    private final int members;
    private final long groupId;
    private final double rate;
    private final Duration duration;
    private final int messageBytes;
    private final LatencyHistogram ackLatency = new LatencyHistogram();
    private final LatencyHistogram deliveryLatency = new LatencyHistogram();
    private final LatencyHistogram allMembersLatency = new LatencyHistogram();
    /** Message number → members that have it so far. */
    private final Map<Long, AtomicInteger> receivedBy = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong complete = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public GroupBench(LoadUsers load, int members, long groupId, double rate, Duration duration, int messageBytes) {
        if (members < 2) {
            throw new IllegalArgumentException("need at least 2 members");
        }
        this.load = load;
        this.members = members;
        this.groupId = groupId;
        this.rate = rate;
        this.duration = duration;
        this.messageBytes = messageBytes;
    }

    public long run(PrintStream out) throws IOException, InterruptedException {
        List<ChatClient> clients = UserLogins.all(members, n -> load.logIn(n, new Receiver(), ChatClient.FROM_NEWEST));
        for (ChatClient client : clients) {
            ErrorCode joined = client.join(groupId);
            if (joined != ErrorCode.OK) {
                throw new IOException("joining group " + groupId + " failed: " + joined);
            }
        }
        out.printf(Locale.ROOT, "bench group: %d members of group %d (%s), %.0f messages/s%n", members, groupId, load.targets(), rate);
        out.flush();
        String padding = TimedText.padding(messageBytes);
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime() + 200_000_000L;
        long end = start + duration.toNanos();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long number = 0, due = start; due < end; number++, due += interval) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                long message = number;
                long dueAt = due;
                ChatClient sender = clients.get(ThreadLocalRandom.current().nextInt(members));
                senders.submit(() -> send(sender, message, dueAt, padding));
            }
        }
        long graceUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (complete.get() < acked.get() && System.nanoTime() < graceUntil) {
            Thread.sleep(20);
        }
        for (ChatClient client : clients) {
            client.close();
        }
        double seconds = duration.toNanos() / 1e9;
        long incomplete = acked.get() - complete.get();
        out.printf(Locale.ROOT, "RESULT bench=group members=%d offered_per_s=%.0f duration_s=%.1f sent=%d acked=%d "
                        + "deliveries=%d expected_deliveries=%d ack_p50_us=%d ack_p99_us=%d "
                        + "delivery_p50_us=%d delivery_p99_us=%d delivery_p999_us=%d "
                        + "all_members_p50_us=%d all_members_p99_us=%d all_members_p999_us=%d incomplete=%d errors=%d%n",
                members, rate, seconds, sent.get(), acked.get(), deliveries.get(), acked.get() * members,
                ackLatency.percentileMicros(0.5), ackLatency.percentileMicros(0.99),
                deliveryLatency.percentileMicros(0.5), deliveryLatency.percentileMicros(0.99),
                deliveryLatency.percentileMicros(0.999), allMembersLatency.percentileMicros(0.5),
                allMembersLatency.percentileMicros(0.99), allMembersLatency.percentileMicros(0.999), incomplete, errors.get());
        return errors.get() + incomplete;
    }

    private void send(ChatClient sender, long message, long dueAt, String padding) {
        sent.incrementAndGet();
        try {
            ErrorCode code = sender.sendGroup(groupId, "", TimedText.of(dueAt, message + " " + padding));
            if (code == ErrorCode.OK) {
                acked.incrementAndGet();
                ackLatency.recordNanos(System.nanoTime() - dueAt);
            } else {
                errors.incrementAndGet();
            }
        } catch (IOException e) {
            errors.incrementAndGet();
        }
    }

    /** Times each member's copy, and the message's fan-out once the last member has it. */
    private final class Receiver implements ChatClient.Listener {
        @Override
        public void onMessage(offsetMsg m) {
            long sentAt = TimedText.sentAtNanos(m.getMsg());
            long number = messageNumber(m.getMsg());
            if (m.getGroupID() != groupId || sentAt < 0 || number < 0) {
                return;
            }
            long now = System.nanoTime();
            deliveryLatency.recordNanos(now - sentAt);
            deliveries.incrementAndGet();
            if (receivedBy.computeIfAbsent(number, k -> new AtomicInteger()).incrementAndGet() == members) {
                allMembersLatency.recordNanos(now - sentAt);
                complete.incrementAndGet();
                receivedBy.remove(number);
            }
        }
    }

    /** The message number after the send time in a text written by {@link #send}, or -1. */
    private static long messageNumber(String text) {
        int first = text.indexOf(' ');
        int second = first < 0 ? -1 : text.indexOf(' ', first + 1);
        if (second < 0) {
            return -1;
        }
        try {
            return Long.parseLong(text, first + 1, second, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
