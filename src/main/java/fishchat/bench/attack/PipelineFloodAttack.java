package fishchat.bench.attack;

import fishchat.bench.LoadSources;
import fishchat.client.ChatClient;
import fishchat.libnet.Frame;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A few connections that keep requests queued (200 at a time, replies read as they come), so
 * that their server threads never wait for input; meanwhile a probe from 127.0.0.9 pings an
 * access server every 50 ms and times each answer. With as many such connections as the node
 * has cores, a server whose connection threads never step aside answers the probe only when
 * the flood ends.
 */
public final class PipelineFloodAttack {
    private static final int REQUESTS_PER_WRITE = 200;
    private static final long PROBE_EVERY_MILLIS = 50;

    private PipelineFloodAttack() {
    }

    /** What the probe saw (answer times in µs) and what the flood got back. */
    public record Outcome(int probes, long probeP50Micros, long probeMaxMicros, int probeFailures, long floodReplyBytes,
                          double seconds) {
        public String resultLine() {
            return String.format(Locale.ROOT,
                    "RESULT attack=pipeline-flood probes=%d probe_p50_us=%d probe_max_us=%d probe_failures=%d "
                            + "flood_reply_bytes=%d seconds=%.1f",
                    probes, probeP50Micros, probeMaxMicros, probeFailures, floodReplyBytes, seconds);
        }
    }

    /**
     * @param target the port flooded
     * @param request one request's body, repeated by every flooding connection
     * @param conns flooding connections, from 127.0.0.2.. (for a loopback target)
     * @param probe an access server the probe pings (pings need no login)
     */
    public static Outcome run(InetSocketAddress target, byte[] request, int conns, InetSocketAddress probe, Duration duration)
            throws IOException, InterruptedException {
        return run(target, new byte[0], Frame.of(request).encoded(), conns, probe, duration);
    }

    /**
     * The same with WebSocket PINGs (empty, masked) after an upgrade: control frames, which a
     * client may send without end and which are no request of their own.
     */
    public static Outcome runWebSocketPings(InetSocketAddress target, int conns, InetSocketAddress probe, Duration duration)
            throws IOException, InterruptedException {
        byte[] emptyPing = WebSocketControlAttack.masked(0x89, new byte[0]);
        return run(target, WebSocketControlAttack.upgradeRequest(target, "/ws"), emptyPing, conns, probe, duration);
    }

    private static Outcome run(InetSocketAddress target, byte[] preamble, byte[] one, int conns, InetSocketAddress probe,
                               Duration duration) throws IOException, InterruptedException {
        byte[] batch = new byte[one.length * REQUESTS_PER_WRITE];
        for (int i = 0; i < REQUESTS_PER_WRITE; i++) {
            System.arraycopy(one, 0, batch, i * one.length, one.length);
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        AtomicLong replyBytes = new AtomicLong();
        LoadSources sources = new LoadSources(Math.max(1, conns));
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < conns; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                InetSocketAddress source = sources.forConnection(i, target);
                if (source != null) {
                    socket.bind(source);
                }
                socket.connect(target, 5000);
                // Platform threads: the flood must not share a scheduler with a server in the same JVM (tests).
                threads.add(Thread.ofPlatform().daemon().start(() -> drain(socket, replyBytes)));
                socket.getOutputStream().write(preamble);
                threads.add(Thread.ofPlatform().daemon().start(() -> flood(socket, batch, end)));
            }
            List<Long> answers = new ArrayList<>();
            int failures = probe(probe, end, answers);
            long[] sorted = answers.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Outcome(sorted.length, sorted.length == 0 ? 0 : sorted[sorted.length / 2],
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1], failures, replyBytes.get(),
                    (System.nanoTime() - start) / 1e9);
        } finally {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            for (Thread thread : threads) {
                thread.join(5000);
            }
        }
    }

    private static void flood(Socket socket, byte[] batch, long end) {
        try {
            OutputStream out = socket.getOutputStream();
            while (System.nanoTime() < end) {
                out.write(batch);
            }
        } catch (IOException e) {
            // cut by the server, or closed at the end
        }
    }

    private static void drain(Socket socket, AtomicLong replyBytes) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                replyBytes.addAndGet(n);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Pings every 50 ms until {@code end}, on one connection (a new one after a failure); returns the failures. */
    private static int probe(InetSocketAddress access, long end, List<Long> answers) throws IOException, InterruptedException {
        InetSocketAddress from = access.getAddress().isLoopbackAddress()
                ? new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 9}), 0) : null;
        int failures = 0;
        ChatClient client = null;
        while (System.nanoTime() < end) {
            long asked = System.nanoTime();
            try {
                if (client == null) {
                    client = ChatClient.connect(access, from, message -> { });
                }
                client.ping();
                answers.add((System.nanoTime() - asked) / 1000);
            } catch (IOException e) {
                failures++;
                if (client != null) {
                    client.close();
                }
                client = null;
            }
            Thread.sleep(PROBE_EVERY_MILLIS);
        }
        if (client != null) {
            client.close();
        }
        return failures;
    }
}
