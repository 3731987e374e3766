package fishchat.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that must be told their port before they start (etcd, PostgreSQL,
 * a node restarted on the same ports). A port found with {@code bind(0)} comes from the kernel's
 * ephemeral range, the same range every outgoing connection and every other {@code bind(0)} of
 * the suite draws from, so it can be taken between the probe and the server's own bind: CI once
 * saw etcd fail that way. These ports are drawn below that range instead, where only this class
 * hands them out, each at most once per JVM, and only if it can be bound right now.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;
    private static final Set<Integer> handedOut = new HashSet<>();

    private FreePorts() {
    }

    /** A loopback port that is free now, outside the ephemeral range, never handed out before. */
    public static synchronized int take() {
        int belowEphemeral = ephemeralRangeStart();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, belowEphemeral);
            if (!handedOut.contains(port) && bindable(port)) {
                handedOut.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + belowEphemeral);
    }

    private static boolean bindable(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of {@code net.ipv4.ip_local_port_range}; Linux's default 32768 if unreadable. */
    private static int ephemeralRangeStart() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int first;
        try {
            // readAllLines, not readString: on this kernel readString of a procfs file returned one byte.
            first = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
        if (first <= LOWEST + 1_000) {
            throw new IllegalStateException(range + " starts at " + first + ": too low to leave room for test ports below it");
        }
        return first;
    }
}
