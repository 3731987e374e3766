package fishchat.cli;

import fishchat.bench.attack.HeaderOnlyAttack;
import fishchat.bench.attack.JoinFloodAttack;
import fishchat.bench.attack.LongHeadAttack;
import fishchat.bench.attack.PipelineFloodAttack;
import fishchat.bench.attack.ReconnectBurstAttack;
import fishchat.bench.attack.SilentAttack;
import fishchat.bench.attack.WebSocketControlAttack;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.protocol.external.ReqPing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fishchat bench attack …}: replays the attacks docs/SECURITY.md measures, each bounded in connections and time. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Hostile loads on a running server (yours): what it holds and answers, on one RESULT line.",
        subcommands = {AttackCommand.HeaderOnly.class, AttackCommand.Silent.class, AttackCommand.ReconnectBurst.class,
                AttackCommand.JoinFlood.class, AttackCommand.WsControl.class, AttackCommand.PipelineFlood.class,
                AttackCommand.LongHead.class})
final class AttackCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the connections go and how many there are. */
    static final class Connections {
        @Option(names = "--target", required = true, converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "The port to attack.")
        InetSocketAddress target;

        @Option(names = "--conns", defaultValue = "2000", paramLabel = "N", description = "Connections (default: ${DEFAULT-VALUE}).")
        int conns;

        @Option(names = "--sources", defaultValue = "5", paramLabel = "N",
                description = "Loopback source addresses 127.0.0.2.. to spread them over (default: ${DEFAULT-VALUE}).")
        int sources;

        @Option(names = "--hold", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "How long to hold them before counting what is still open (default: ${DEFAULT-VALUE}).")
        Duration hold;
    }

    @Command(name = "header-only", mixinStandardHelpOptions = true,
            description = "Each connection sends a request, then a frame header announcing 65 535 bytes and nothing more.")
    static final class HeaderOnly implements Callable<Integer> {
        @Mixin
        Connections connections;

        @Option(names = "--gateway", description = "The target is a gateway (greet with cmd 10001; default: an access server, ping).")
        boolean gateway;

        @Option(names = "--idle", description = "Send no header: idle connections, the baseline to compare with.")
        boolean idle;

        @Option(names = "--body-bytes", defaultValue = "0", paramLabel = "N",
                description = "Send N bytes of the announced body after the header, then nothing (default: none).")
        int bodyBytes;

        @Option(names = "--server-pid", defaultValue = "0", paramLabel = "PID",
                description = "The server's pid: its heap after a full GC before and after, with jcmd (default: not measured).")
        long serverPid;

        @Option(names = "--slow-probe", description = "A second into the hold, send a ~40 KB request in two halves "
                + "500 ms apart from the next source address: is a slow client still served? (slow_probe=answered|refused)")
        boolean slowProbe;

        @Override
        public Integer call() throws Exception {
            System.out.println(HeaderOnlyAttack.run(connections.target, greeting(gateway), connections.conns, connections.sources,
                    connections.hold, serverPid, !idle, bodyBytes, slowProbe).resultLine());
            return 0;
        }
    }

    @Command(name = "long-head", mixinStandardHelpOptions = true,
            description = "Each connection sends ~15 KB of an HTTP request head, unfinished, and waits (any HTTP port).")
    static final class LongHead implements Callable<Integer> {
        @Mixin
        Connections connections;

        @Override
        public Integer call() throws Exception {
            System.out.println(LongHeadAttack.run(connections.target, connections.conns, connections.sources,
                    connections.hold).resultLine());
            return 0;
        }
    }

    @Command(name = "silent", mixinStandardHelpOptions = true,
            description = "Connections that send nothing, to any port (frames, WebSocket, the chat page).")
    static final class Silent implements Callable<Integer> {
        @Mixin
        Connections connections;

        @Override
        public Integer call() throws Exception {
            System.out.println(SilentAttack.run(connections.target, connections.conns, connections.sources,
                    connections.hold).resultLine());
            return 0;
        }
    }

    /** One user of an access server. */
    static final class User {
        @Option(names = "--access", required = true, converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "The access server.")
        InetSocketAddress access;

        @Option(names = "--uid", defaultValue = "666", paramLabel = "UID", description = "The attacking user (default: ${DEFAULT-VALUE}).")
        long uid;

        @Mixin
        ClientTokenFlags token;

        @Option(names = "--sessions", defaultValue = "5", paramLabel = "N",
                description = "Sessions of that user at once (default: ${DEFAULT-VALUE}).")
        int sessions;

        @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "How long (default: ${DEFAULT-VALUE}).")
        Duration duration;
    }

    @Command(name = "reconnect-burst", mixinStandardHelpOptions = true,
            description = "One user sends bursts, each on a fresh connection and login, into a victim's inbox.")
    static final class ReconnectBurst implements Callable<Integer> {
        @Mixin
        User user;

        @Option(names = "--victim", defaultValue = "667", paramLabel = "UID", description = "Whose inbox fills (default: ${DEFAULT-VALUE}).")
        long victim;

        @Option(names = "--per-burst", defaultValue = "200", paramLabel = "N",
                description = "Sends per connection before reconnecting (default: ${DEFAULT-VALUE}).")
        int perBurst;

        @Override
        public Integer call() throws Exception {
            System.out.println(ReconnectBurstAttack.run(user.access, user.uid, user.token.minter().tokenFor(user.uid),
                    victim, perBurst, user.sessions, user.duration).resultLine());
            return 0;
        }
    }

    @Command(name = "join-flood", mixinStandardHelpOptions = true,
            description = "One user joins a new group after another from several sessions.")
    static final class JoinFlood implements Callable<Integer> {
        @Mixin
        User user;

        @Option(names = "--first-group", defaultValue = "1000000", paramLabel = "GID",
                description = "Group ids start here (default: ${DEFAULT-VALUE}).")
        long firstGroup;

        @Override
        public Integer call() throws Exception {
            System.out.println(JoinFloodAttack.run(user.access, user.uid, user.token.minter().tokenFor(user.uid),
                    user.sessions, firstGroup, user.duration).resultLine());
            return 0;
        }
    }

    @Command(name = "ws-control", mixinStandardHelpOptions = true,
            description = "WebSocket connections that break the rules for control frames after a valid upgrade.")
    static final class WsControl implements Callable<Integer> {
        @Option(names = "--ws-url", required = true, paramLabel = "URL", description = "e.g. ws://127.0.0.1:11080/ws")
        URI url;

        @Option(names = "--kind", defaultValue = "LONG_PING", paramLabel = "KIND",
                description = "LONG_PING, FRAGMENTED_PING, RESERVED_OPCODE or UNMASKED (default: ${DEFAULT-VALUE}).")
        WebSocketControlAttack.Kind kind;

        @Option(names = "--conns", defaultValue = "400", paramLabel = "N", description = "Connections, one after another (default: ${DEFAULT-VALUE}).")
        int conns;

        @Override
        public Integer call() {
            System.out.println(WebSocketControlAttack.run(url, kind, conns).resultLine());
            return 0;
        }
    }

    @Command(name = "pipeline-flood", mixinStandardHelpOptions = true,
            description = "A few connections keep requests queued while a probe pings an access server every 50 ms.")
    static final class PipelineFlood implements Callable<Integer> {
        @Option(names = "--target", required = true, converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "The port flooded: an access server (pings) or, with --gateway, a gateway (cmd 10001).")
        InetSocketAddress target;

        @Option(names = "--gateway", description = "The target is a gateway.")
        boolean gateway;

        @Option(names = "--ws", description = "The target is a WebSocket port: empty PINGs after an upgrade.")
        boolean webSocket;

        @Option(names = "--probe", required = true, converter = HostPort.class, paramLabel = "HOST:PORT",
                description = "The access server the probe pings.")
        InetSocketAddress probe;

        @Option(names = "--conns", defaultValue = "2", paramLabel = "N",
                description = "Flooding connections; as many as the server's cores is enough (default: ${DEFAULT-VALUE}).")
        int conns;

        @Option(names = "--duration", defaultValue = "8s", converter = DurationConverter.class, paramLabel = "DURATION",
                description = "How long (default: ${DEFAULT-VALUE}).")
        Duration duration;

        @Override
        public Integer call() throws Exception {
            System.out.println((webSocket ? PipelineFloodAttack.runWebSocketPings(target, conns, probe, duration)
                    : PipelineFloodAttack.run(target, greeting(gateway), conns, probe, duration)).resultLine());
            return 0;
        }
    }

    /** A request the target answers whoever sends it: a gateway's access-server request, or an access server's ping. */
    private static byte[] greeting(boolean gateway) {
        return gateway ? ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build().toByteArray()
                : ReqPing.newBuilder().setCmd(Cmd.PING.code()).build().toByteArray();
    }
}
