package fishchat.libnet;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An accept loop that meets an Error carries on (an ordinary bug costs one connection, not the
 * listener), and one that meets a VM error ends the process, as a node out of memory must.
 */
class ServerResilienceTest {
    private static final ConnectionLimits LIMITS = new ConnectionLimits(64, 1, 0, 0, 0, Duration.ZERO, Duration.ZERO,
            Duration.ZERO, "resilience");

    /** Serves by echoing one byte back; refuses with whatever {@code refusal} throws. */
    private static ConnectionHandler handler(Runnable refusal) {
        return new ConnectionHandler() {
            @Override
            public void serve(Connection connection) {
                try {
                    InputStream in = connection.input();
                    int b;
                    while ((b = in.read()) >= 0) {
                        connection.output().write(b);
                    }
                } catch (IOException e) {
                    // The test closed it.
                }
            }

            @Override
            public byte[] refusal(Refusal why, long retryAfterMillis) {
                refusal.run();
                return null;
            }
        };
    }

    @Test
    void anErrorInTheAcceptLoopCostsOneConnectionNotTheListener() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        Server server = new Server(LIMITS);
        InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0), null, handler(() -> {
            refusals.incrementAndGet();
            throw new AssertionError("a bug in a refusal, on purpose");
        }));
        try (Socket first = new Socket(address.getAddress(), address.getPort())) {
            assertEquals(7, echo(first, 7));
            try (Socket second = new Socket(address.getAddress(), address.getPort())) {
                second.setSoTimeout(5000);
                assertEquals(-1, second.getInputStream().read(), "over the cap: dropped after the bug");
            }
            assertEquals(1, refusals.get());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        try (Socket third = new Socket(address.getAddress(), address.getPort())) {
            assertEquals(9, echo(third, 9), "the accept loop lives on");
        } finally {
            server.stop();
        }
    }

    private static int echo(Socket socket, int value) throws IOException {
        socket.setSoTimeout(5000);
        socket.getOutputStream().write(value);
        return socket.getInputStream().read();
    }

    /** Run in a JVM of its own by the test below: a server whose refusal runs out of memory. */
    public static void main(String[] args) throws Exception {
        Server server = new Server(LIMITS);
        InetSocketAddress address = server.listen(new InetSocketAddress("127.0.0.1", 0), null,
                handler(() -> {
                    throw new OutOfMemoryError("simulated, on purpose");
                }));
        System.out.println("port " + address.getPort());
        System.out.flush();
        Thread.sleep(60_000);
        System.exit(0);
    }

    @Test
    void aVmErrorInTheAcceptLoopEndsTheProcess() throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), ServerResilienceTest.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream())).readLine();
            assertTrue(line.startsWith("port "), line);
            int port = Integer.parseInt(line.substring(5).trim());
            try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port)) {
                assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the process ended");
            }
            assertEquals(3, process.exitValue(), "the exit status -XX:+ExitOnOutOfMemoryError would give");
        } finally {
            process.destroyForcibly();
        }
    }
}
