package fishchat.bench;

import fishchat.client.ChatException;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Base;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResPing;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Pings an access server over TCP or WebSocket, to compare what a session costs on each:
 * every connection (logged in first when there are tokens) sends {@code ReqPing} (cmd 20002)
 * and waits for {@code ResPing}, either in a closed loop (no interval: the next ping as soon
 * as the answer is in) or once per interval (to hold many quiet sessions while the server is
 * measured from outside). The first {@code warmup} is not counted; then {@code duration} is.
 * Prints one RESULT line; given the server's pid, with its CPU time per answered ping over the
 * measured window (/proc, so client and server must share the machine).
 *
 * <p>Errors are wrong or missing answers in the measured window, and connections lost at any
 * time (a connection lost in the warm-up is missing from the measured window).
 */
public final class PingBench {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);

    /** Where to ping: an access server's TCP address, or its {@code ws://…/ws} URL. */
    public record Target(InetSocketAddress access, URI webSocketUrl) {
        public static Target tcp(InetSocketAddress access) {
            return new Target(access, null);
        }

        public static Target webSocket(URI url) {
            return new Target(null, url);
        }

        PingLinks.Dialer dialer(LoadSources sources) {
            return access != null ? PingLinks.tcp(access, sources) : PingLinks.webSocket(webSocketUrl, sources);
        }
    }

    /**
     * How hard to ping: {@code connections} at once, each once per {@code interval} (zero:
     * closed loop), for {@code warmup} unmeasured and then {@code duration} measured.
     */
    public record Load(int connections, Duration warmup, Duration duration, Duration interval) {
    }

    private final PingLinks.Dialer dialer;
    private final Load load;
    private final long firstUid;
    private final LongFunction<String> tokens;
    private final long serverPid;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLong errors = new AtomicLong();
    private volatile long start;
    private volatile long measureFrom;
    private volatile long measureUntil;

    /**
     * @param tokens    login tokens for uids {@code firstUid + n}; null: the connections do not log in
     * @param serverPid the server's pid, for its CPU per ping; negative: not measured
     */
    public PingBench(Target target, Load load, long firstUid, LongFunction<String> tokens, int sourceCount,
                     long serverPid) {
        this.dialer = target.dialer(new LoadSources(sourceCount));
        this.load = load;
        this.firstUid = firstUid;
        this.tokens = tokens;
        this.serverPid = serverPid;
    }

    /** Runs the load and prints the result line; returns the number of errors. */
    public long run(PrintStream out) throws IOException, InterruptedException {
        long opening = System.nanoTime();
        List<PingLinks.Link> links = UserLogins.all(load.connections(), this::open);
        out.printf(Locale.ROOT, "bench ping: %d connections over %s to %s%s in %.1f s%n", links.size(),
                dialer.transport(), dialer.target(),
                tokens == null ? "" : ", logged in as " + firstUid + ".." + (firstUid + links.size() - 1),
                (System.nanoTime() - opening) / 1e9);
        out.flush();
        start = System.nanoTime();
        measureFrom = start + load.warmup().toNanos();
        measureUntil = measureFrom + load.duration().toNanos();
        long serverCpuMicros = -1;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < links.size(); i++) {
                int n = i;
                threads.submit(() -> loop(links.get(n), n));
            }
            if (serverPid >= 0) {
                sleepUntil(measureFrom);
                long before = ProcFigures.cpuMicros(serverPid);
                sleepUntil(measureUntil);
                serverCpuMicros = ProcFigures.cpuMicros(serverPid) - before;
            }
        } finally {
            links.forEach(PingLinks.Link::close);
        }
        long requests = latency.count();
        double seconds = load.duration().toNanos() / 1e9;
        out.printf(Locale.ROOT, "RESULT bench=ping transport=%s target=%s conns=%d interval_ms=%d logged_in=%b "
                        + "duration_s=%.1f requests=%d rps=%.0f p50_us=%d p99_us=%d p999_us=%d errors=%d%s%n",
                dialer.transport(), dialer.target(), links.size(), load.interval().toMillis(), tokens != null,
                seconds, requests, requests / seconds, latency.percentileMicros(0.50),
                latency.percentileMicros(0.99), latency.percentileMicros(0.999), errors.get(),
                serverCpuMicros < 0 ? "" : String.format(Locale.ROOT, " server_cpu_us_per_req=%.1f",
                        requests == 0 ? 0.0 : (double) serverCpuMicros / requests));
        return errors.get();
    }

    /**
     * Connection n, past admission: logged in, or answered one ping. A connection refused for
     * opening too fast is tried again as a well-behaved client would ({@link LoadTargets#waitAsTold}).
     */
    private PingLinks.Link open(int n) throws IOException {
        for (int attempt = 1; ; attempt++) {
            PingLinks.Link link = dialer.open(n);
            try {
                if (tokens != null) {
                    long uid = firstUid + n;
                    ResLogin res = ResLogin.parseFrom(request(link, ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code())
                            .setUID(uid).setToken(tokens.apply(uid)).build().toByteArray()));
                    if (res.getErrCode() != 0) {
                        throw new ChatException(ErrorCode.of(res.getErrCode()), "login of " + uid + ": " + res.getErrStr());
                    }
                } else if (!isPingAnswer(request(link, ping(n)))) {
                    throw new IOException("the first ping was not answered with ResPing errCode 0");
                }
                return link;
            } catch (ChatException e) {
                link.close();
                if (!LoadTargets.waitAsTold(e, attempt)) {
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                link.close();
                throw e;
            }
        }
    }

    /** Sends a request and returns its answer; an {@code Error} answer (a refusal at admission) is thrown. */
    private static byte[] request(PingLinks.Link link, byte[] body) throws IOException {
        IOException sendFailure = null;
        try {
            link.send(body);
        } catch (IOException e) {
            sendFailure = e; // a refused connection may be closed already: its answer still says why
        }
        byte[] reply;
        try {
            reply = link.receive(REPLY_TIMEOUT);
        } catch (IOException e) {
            throw sendFailure != null ? sendFailure : e;
        }
        if (reply == null) {
            throw sendFailure != null ? sendFailure : new EOFException("the server closed the connection");
        }
        if (Base.parseFrom(reply).getCmd() == Cmd.ERROR.code()) {
            var error = fishchat.protocol.external.Error.parseFrom(reply);
            throw new ChatException(ErrorCode.of(error.getErrCode()), error.getErrStr(),
                    Duration.ofMillis(error.getRetryAfterMs()));
        }
        return reply;
    }

    private byte[] ping(int n) {
        return ReqPing.newBuilder().setCmd(Cmd.PING.code()).setUID(tokens == null ? 0 : firstUid + n).build().toByteArray();
    }

    private static boolean isPingAnswer(byte[] reply) throws IOException {
        ResPing answer = ResPing.parseFrom(reply);
        return answer.getCmd() == Cmd.PING.code() && answer.getErrCode() == 0;
    }

    private void loop(PingLinks.Link link, int n) {
        byte[] ping = ping(n);
        long interval = load.interval().toNanos();
        // With an interval, connections start evenly spread over the first one.
        long due = interval == 0 ? start : start + interval * n / load.connections();
        try {
            while (true) {
                if (interval > 0) {
                    if (due >= measureUntil) {
                        return;
                    }
                    sleepUntil(due);
                    due += interval;
                }
                long sent = System.nanoTime();
                if (sent >= measureUntil) {
                    return;
                }
                link.send(ping);
                byte[] reply = link.receive(REPLY_TIMEOUT);
                long now = System.nanoTime();
                if (reply == null) {
                    errors.incrementAndGet();
                    return;
                }
                if (!isPingAnswer(reply)) {
                    if (sent >= measureFrom) {
                        errors.incrementAndGet();
                    }
                } else if (sent >= measureFrom && now <= measureUntil) {
                    latency.recordNanos(now - sent);
                }
            }
        } catch (IOException e) {
            errors.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
