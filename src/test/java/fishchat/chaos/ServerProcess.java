package fishchat.chaos;

import fishchat.testing.FishchatProcess;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fishchat server (standalone, gateway or access node) that chaos kills with -9 and
 * starts again with the same arguments and data dir. It listens on a free port each time,
 * so its address may change across restarts: clients ask {@link #address()} again.
 */
final class ServerProcess implements AutoCloseable {
    private final String name;
    private final List<String> args;
    /** A line whose last group is the port clients dial. */
    private final Pattern addressLine;
    /** Lines that must also appear before the server counts as up (e.g. its etcd registration). */
    private final List<Pattern> readyLines;
    private volatile FishchatProcess process;
    private volatile InetSocketAddress address;

    ServerProcess(String name, List<String> args, Pattern addressLine, List<Pattern> readyLines) {
        this.name = name;
        this.args = List.copyOf(args);
        this.addressLine = addressLine;
        this.readyLines = List.copyOf(readyLines);
    }

    String name() {
        return name;
    }

    /** Starts the process and waits (bounded) until it listens and is ready. */
    void start() throws IOException, InterruptedException {
        FishchatProcess started = FishchatProcess.start(args.toArray(String[]::new));
        process = started;
        Matcher listening = started.await(addressLine, 90);
        for (Pattern ready : readyLines) {
            started.await(ready, 60);
        }
        address = new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(listening.groupCount())));
    }

    /** SIGKILL: no shutdown hook, no deregistration, no flush. Its log goes with it. */
    long kill9() throws InterruptedException {
        FishchatProcess p = process;
        long pid = p.process().pid();
        p.kill();
        p.close();
        return pid;
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() throws InterruptedException {
        FishchatProcess p = process;
        if (p != null) {
            p.close();
        }
    }
}
