package fishchat.bench;

import fishchat.libnet.FrameClient;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.protocol.external.ResSelectAccessServerForClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop request/reply load on a gateway: every connection sends cmd 10001, waits for the
 * answer, and sends again. The first {@code warmup} is not counted; then {@code duration} is.
 * Prints one RESULT line.
 */
public final class GatewayBench {
    private static final int DIALS_IN_FLIGHT = 64;

    private final InetSocketAddress target;
    private final int connections;
    private final Duration warmup;
    private final Duration duration;
    private final LoadSources sources;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLong errors = new AtomicLong();
    private volatile long measureFrom;
    private volatile long measureUntil;

    public GatewayBench(InetSocketAddress target, int connections, Duration warmup, Duration duration, int sourceCount) {
        this.target = target;
        this.connections = connections;
        this.warmup = warmup;
        this.duration = duration;
        this.sources = new LoadSources(sourceCount);
    }

    /** Runs the load and prints the result line; returns the number of errors. */
    public long run(PrintStream out) throws IOException, InterruptedException {
        byte[] request = ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build().toByteArray();
        List<FrameClient> clients = open();
        long start = System.nanoTime();
        measureFrom = start + warmup.toNanos();
        measureUntil = measureFrom + duration.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (FrameClient client : clients) {
                threads.submit(() -> loop(client, request));
            }
        } finally {
            for (FrameClient client : clients) {
                client.close();
            }
        }
        long requests = latency.count();
        double seconds = duration.toNanos() / 1e9;
        out.printf(Locale.ROOT, "RESULT bench=gateway target=%s conns=%d duration_s=%.1f requests=%d rps=%.0f "
                        + "p50_us=%d p99_us=%d p999_us=%d errors=%d%n",
                fishchat.libnet.Addresses.format(target), connections, seconds, requests, requests / seconds,
                latency.percentileMicros(0.50), latency.percentileMicros(0.99), latency.percentileMicros(0.999),
                errors.get());
        return errors.get();
    }

    private List<FrameClient> open() throws IOException, InterruptedException {
        List<FrameClient> clients = new ArrayList<>(connections);
        Semaphore dials = new Semaphore(DIALS_IN_FLIGHT);
        List<Thread> dialers = new ArrayList<>(connections);
        FrameClient[] opened = new FrameClient[connections];
        IOException[] failure = new IOException[1];
        for (int i = 0; i < connections; i++) {
            int n = i;
            dials.acquire();
            dialers.add(Thread.ofVirtual().start(() -> {
                try {
                    opened[n] = FrameClient.connect(target, sources.forConnection(n, target), Duration.ofSeconds(10));
                } catch (IOException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                } finally {
                    dials.release();
                }
            }));
        }
        for (Thread dialer : dialers) {
            dialer.join();
        }
        for (FrameClient client : opened) {
            if (client != null) {
                clients.add(client);
            }
        }
        if (failure[0] != null) {
            for (FrameClient client : clients) {
                client.close();
            }
            throw new IOException("could only open " + clients.size() + " of " + connections + " connections: "
                    + failure[0].getMessage(), failure[0]);
        }
        return clients;
    }

    private void loop(FrameClient client, byte[] request) {
        try {
            client.setReceiveTimeout(Duration.ofSeconds(10));
            while (true) {
                long sent = System.nanoTime();
                if (sent >= measureUntil) {
                    return;
                }
                client.send(request);
                byte[] reply = client.receive();
                long now = System.nanoTime();
                if (reply == null) {
                    errors.incrementAndGet();
                    return;
                }
                ResSelectAccessServerForClient answer = ResSelectAccessServerForClient.parseFrom(reply);
                if (answer.getCmd() != Cmd.REQ_ACCESS_SERVER.code() || answer.getErrCode() != 0) {
                    errors.incrementAndGet();
                }
                if (sent >= measureFrom && now <= measureUntil) {
                    latency.recordNanos(now - sent);
                }
            }
        } catch (IOException e) {
            errors.incrementAndGet();
        }
    }
}
