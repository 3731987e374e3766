package fishchat.cli;

import fishchat.bench.ChatBench;
import fishchat.bench.GatewayBench;
import fishchat.bench.IdleBench;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load programs that print their figures on one RESULT line.",
        subcommands = {BenchCommand.Gateway.class, BenchCommand.Chat.class, BenchCommand.Idle.class})
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

        @Option(names = "--conns", defaultValue = "64", paramLabel = "N", description = "Connections (default: ${DEFAULT-VALUE}).")
        int conns;

        @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Measured time (default: ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Unmeasured time first (default: ${DEFAULT-VALUE}).")
        Duration warmup;

        @Option(names = "--sources", defaultValue = "8", paramLabel = "N",
                description = "Loopback source addresses 127.0.0.2.. to spread connections over (default: ${DEFAULT-VALUE}).")
        int sources;

        @Override
        public Integer call() throws Exception {
            long errors = new GatewayBench(target, conns, warmup, duration, sources).run(System.out);
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

        @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "Sending time (default: ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--message-bytes", defaultValue = "100", paramLabel = "BYTES",
                description = "Message size (default: ${DEFAULT-VALUE}).")
        int messageBytes;

        @Option(names = "--cross-node", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "With users on more than one access node, send only to users on another node "
                        + "(default: on; --no-cross-node: to anyone).")
        boolean crossNode;

        @Mixin
        LoadFlags load;

        @Override
        public Integer call() throws Exception {
            ClientTokenFlags.Minter minter = load.tokens.minter();
            long failures = new ChatBench(load.targets(), users, rate, duration, load.firstUid, minter::tokenFor,
                    messageBytes, load.sources, crossNode).run(System.out);
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
            ClientTokenFlags.Minter minter = load.tokens.minter();
            long failures = new IdleBench(load.targets(), users, hold, load.firstUid, minter::tokenFor, load.sources,
                    sendFirst).run(System.out);
            return failures == 0 ? 0 : 1;
        }
    }
}
