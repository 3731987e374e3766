package fishchat.cli;

import fishchat.bench.ChatBench;
import fishchat.bench.GatewayBench;
import fishchat.bench.GroupBench;
import fishchat.bench.IdleBench;
import fishchat.bench.PingBench;
import fishchat.bench.ServerSampler;
import fishchat.bench.SoakBench;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load programs that print their figures on one RESULT line.",
        subcommands = {BenchCommand.Gateway.class, BenchCommand.Chat.class, BenchCommand.Group.class, BenchCommand.Idle.class, BenchCommand.Soak.class,
                BenchCommand.Ping.class, AttackCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "Closed-loop cmd 10001 request/reply over many connections.")
    static final class Gateway implements Callable<Integer> {
        @Option(names = "--target", defaultValue = "127.0.0.1:10000", converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "Gateway to load (default: ${DEFAULT-VALUE}).")
        InetSocketAddress target;

        @Mixin
        ConnectionLoadFlags connections;

        @Override
        public Integer call() throws Exception {
            long errors = new GatewayBench(target, connections.conns, connections.warmup, connections.duration,
                    connections.sources).run(System.out);
            return errors == 0 ? 0 : 1;
        }
    }

    @Command(name = "chat", mixinStandardHelpOptions = true,
            description = "Durable one-to-one messages at a fixed offered rate; receivers sync on notify.")
    static final class Chat implements Callable<Integer> {
        @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "Logged-in users (default: ${DEFAULT-VALUE}).")
        int users;

        @Option(names = "--rate", defaultValue = "1000", paramLabel = "MSG/S", description = "Total offered messages/s (default: ${DEFAULT-VALUE}).")
        double rate;

        @Mixin
        SendFlags send;

        @Option(names = "--cross-node", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "With users on more than one access node, send only to users on another node "
                        + "(default: on; --no-cross-node: to anyone).")
        boolean crossNode;

        @Mixin
        LoadFlags load;

        @Override
        public Integer call() throws Exception {
            long failures = new ChatBench(load.users(), users, rate, send.duration, send.messageBytes, crossNode)
                    .run(System.out);
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "group", mixinStandardHelpOptions = true,
            description = "Group fan-out at a fixed offered rate: members join one group, random members post to it, "
                    + "everyone syncs on notify; reports per-member and all-members delivery latency.")
    static final class Group implements Callable<Integer> {
        @Option(names = "--members", defaultValue = "500", paramLabel = "N", description = "Group members, all logged in (default: ${DEFAULT-VALUE}).")
        int members;

        @Option(names = "--group-id", defaultValue = "1", paramLabel = "ID", description = "The group (default: ${DEFAULT-VALUE}).")
        long groupId;

        @Option(names = "--rate", defaultValue = "50", paramLabel = "MSG/S", description = "Group messages/s (default: ${DEFAULT-VALUE}).")
        double rate;

        @Mixin
        SendFlags send;

        @Mixin
        LoadFlags load;

        @Override
        public Integer call() throws Exception {
            long failures = new GroupBench(load.users(), members, groupId, rate, send.duration, send.messageBytes)
                    .run(System.out);
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "idle", mixinStandardHelpOptions = true,
            description = "Logged-in users that only ping, held open to measure what an idle user costs the server.")
    static final class Idle implements Callable<Integer> {
        @Option(names = "--users", defaultValue = "10000", paramLabel = "N", description = "Users (default: ${DEFAULT-VALUE}).")
        int users;

        @Option(names = "--hold", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "How long to hold them (default: ${DEFAULT-VALUE}).")
        Duration hold;

        @Option(names = "--send-first",
                description = "Each user sends one message (to the next user) once logged in, then idles.")
        boolean sendFirst;

        @Mixin
        LoadFlags load;

        @Override
        public Integer call() throws Exception {
            long failures = new IdleBench(load.users(), users, hold, sendFirst).run(System.out);
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "ping", mixinStandardHelpOptions = true,
            description = {"Pings (cmd 20002) one access server over TCP or WebSocket: closed loop, or once per "
                    + "--interval to hold quiet sessions; optionally logged in first.",
                    "Prints one RESULT line (with --server-pid: the server's CPU per ping over the measured time)."})
    static final class Ping implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--access", converter = HostPort.class, paramLabel = "HOST:PORT",
                    description = "Access server to ping over TCP (length-prefixed frames).")
            InetSocketAddress access;

            @Option(names = "--ws-url", paramLabel = "URL",
                    description = "Access server to ping over WebSocket, e.g. ws://127.0.0.1:11080/ws "
                            + "(one frame body per binary message).")
            URI wsUrl;
        }

        @Mixin
        ConnectionLoadFlags connections;

        @Option(names = "--interval", defaultValue = "0s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Each connection pings once per interval, to hold quiet sessions (default: 0s, "
                        + "closed loop: the next ping as soon as the answer is in).")
        Duration interval;

        @Option(names = "--first-uid", defaultValue = "1000000", paramLabel = "UID",
                description = "With a token source, connection n logs in as FIRST-UID + n (default: ${DEFAULT-VALUE}).")
        long firstUid;

        @Option(names = "--server-pid", defaultValue = "-1", paramLabel = "PID",
                description = "Report this process's CPU time per ping over the measured time, from /proc "
                        + "(bin/fishchat execs the JVM: the launcher's pid is the server's).")
        long serverPid;

        @Mixin
        ClientTokenFlags tokens;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (target.wsUrl != null && !"ws".equals(target.wsUrl.getScheme()) && !"wss".equals(target.wsUrl.getScheme())) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--ws-url must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:11080/ws");
            }
            PingBench.Target to = target.access != null
                    ? PingBench.Target.tcp(target.access) : PingBench.Target.webSocket(target.wsUrl);
            var minter = tokens.given() ? tokens.minter() : null;
            var load = new PingBench.Load(connections.conns, connections.warmup, connections.duration, interval);
            long errors = new PingBench(to, load, firstUid, minter == null ? null : minter::tokenFor,
                    connections.sources, serverPid).run(System.out);
            return errors == 0 ? 0 : 1;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"A long run of mixed load (logins, pings, one-to-one chat, reconnects) while the server's "
                    + "memory, threads and open files are sampled: does anything grow without bound?",
                    "Prints a progress line every --report-every and one RESULT line."})
    static final class Soak implements Callable<Integer> {
        @Option(names = "--users", defaultValue = "2000", paramLabel = "N", description = "Logged-in users (default: ${DEFAULT-VALUE}).")
        int users;

        @Option(names = "--rate", defaultValue = "200", paramLabel = "MSG/S",
                description = "Total one-to-one messages/s, to random other users (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--reconnects-per-second", defaultValue = "5", paramLabel = "N",
                description = "A random user closes its connection and logs in again through the gateway, syncing from "
                        + "its last seq, this often (default: ${DEFAULT-VALUE}; 0: no churn).")
        double reconnectsPerSecond;

        @Option(names = "--duration", defaultValue = "30m", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Load time (default: ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--report-every", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Progress line period (default: ${DEFAULT-VALUE}).")
        Duration reportEvery;

        @Option(names = "--message-bytes", defaultValue = "100", paramLabel = "BYTES",
                description = "Message size (default: ${DEFAULT-VALUE}).")
        int messageBytes;

        @Option(names = "--server-pid", defaultValue = "-1", paramLabel = "PID",
                description = "Sample this process's RSS, threads and open files from /proc (the standalone or access "
                        + "server's pid: bin/fishchat execs the JVM, so it is the launcher's pid).")
        long serverPid;

        @Option(names = "--server-metrics", paramLabel = "URL",
                description = "Sample the server's heap from its admin endpoint, e.g. http://127.0.0.1:9100/metrics.")
        URI serverMetrics;

        @Option(names = "--samples", paramLabel = "FILE",
                description = "Write the samples here as CSV (docs/plot-soak.sh plots them).")
        Path samples;

        @Option(names = "--sample-every", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Sampling period (default: ${DEFAULT-VALUE}).")
        Duration sampleEvery;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        LoadFlags load;

        @Override
        public Integer call() throws Exception {
            boolean sampling = serverPid >= 0 || serverMetrics != null;
            if (samples != null && !sampling) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--samples needs --server-pid or --server-metrics to sample");
            }
            ServerSampler sampler = sampling
                    ? new ServerSampler(serverPid, serverMetrics, samples, sampleEvery, System.out) : null;
            long failures = new SoakBench(load.users(), users, rate, reconnectsPerSecond, duration, reportEvery,
                    messageBytes, sampler).run(System.out);
            return failures == 0 ? 0 : 1;
        }
    }
}
