package fishchat.libnet;

import fishchat.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** libnet on real loopback sockets: an echo server, broken frames, limits and stop(). */
class FrameServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private FrameServer start(ServerOptions options, FrameHandler handler) throws IOException {
        FrameServer server = new FrameServer(options, handler).start();
        toClose.add(server);
        return server;
    }

    private FrameServer echoServer(ServerOptions options) throws IOException {
        return start(options, (session, body) -> session.send(body));
    }

    /** A handler that answers nothing and hands out its (latest) server-side session. */
    private static FrameHandler silentHandlerKeeping(AtomicReference<Session> serverSide) {
        return new FrameHandler() {
            @Override
            public void onOpen(Session session) {
                serverSide.set(session);
            }

            @Override
            public void onFrame(Session session, byte[] body) {
            }
        };
    }

    private static ServerOptions options() {
        return ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "test");
    }

    private FrameClient connect(FrameServer server) throws IOException {
        FrameClient client = FrameClient.connect(server.address(), Duration.ofSeconds(5));
        client.setReceiveTimeout(WAIT);
        toClose.add(client);
        return client;
    }

    private static byte[] bytes(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void echoesBodiesOfZeroOneAndMaximumLength() throws IOException {
        FrameServer server = echoServer(options());
        FrameClient client = connect(server);
        for (int length : new int[] {0, 1, 2, 127, 128, 129, 4096, Frame.MAX_BODY}) {
            byte[] body = bytes(length);
            client.send(body);
            assertArrayEquals(body, client.receive(), "length " + length);
        }
    }

    @Test
    void pipelinedAndByteByByteFramesAreReadInOrder() throws IOException {
        FrameServer server = echoServer(options());
        FrameClient client = connect(server);
        byte[] a = Frame.of(bytes(3)).encoded();
        byte[] b = Frame.of(bytes(300)).encoded();
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        client.sendRaw(both);
        assertArrayEquals(bytes(3), client.receive());
        assertArrayEquals(bytes(300), client.receive());
        for (byte x : Frame.of(bytes(5)).encoded()) {
            client.sendRaw(new byte[] {x});
        }
        assertArrayEquals(bytes(5), client.receive());
    }

    @Test
    void truncatedHeaderEndsTheSession() throws IOException {
        FrameServer server = echoServer(options());
        FrameClient client = connect(server);
        client.sendRaw(new byte[] {0});
        client.shutdownOutput();
        assertNull(client.receive(), "server closes after a truncated header");
        Await.until("session thread ended", WAIT, () -> server.server().connections() == 0);
    }

    @Test
    void truncatedBodyEndsTheSession() throws IOException {
        AtomicReference<String> reason = new AtomicReference<>();
        FrameServer server = start(options(), new FrameHandler() {
            @Override
            public void onFrame(Session session, byte[] body) {
            }

            @Override
            public void onClose(Session session) {
                reason.set(session.closeReason());
            }
        });
        FrameClient client = connect(server);
        client.sendRaw(new byte[] {0, 10, 1, 2, 3});
        client.shutdownOutput();
        assertNull(client.receive());
        Await.until("session thread ended", WAIT, () -> server.server().connections() == 0);
        assertTrue(reason.get().startsWith("truncated frame"), reason.get());
    }

    @Test
    void oversizeFrameIsAnsweredThenClosed() throws IOException {
        Frame answer = Frame.of(new byte[] {42});
        FrameServer server = echoServer(options().withMaxFrameBody(100).withOversizeFrame(answer));
        FrameClient client = connect(server);
        client.send(bytes(100));
        assertArrayEquals(bytes(100), client.receive(), "a frame at the limit passes");
        client.send(bytes(101));
        assertArrayEquals(new byte[] {42}, client.receive());
        assertNull(client.receive(), "then the connection is closed");
    }

    @Test
    void connectionsOverTheCapAreAnsweredAndClosed() throws IOException {
        Frame refusal = Frame.of(new byte[] {9, 9});
        FrameServer server = echoServer(options().withMaxConnections(2)
                .withRefusals((why, retry) -> why == Refusal.OVER_CAPACITY ? refusal : null));
        FrameClient first = connect(server);
        FrameClient second = connect(server);
        first.send(bytes(1));
        second.send(bytes(1));
        first.receive();
        second.receive();
        Await.until("two sessions", WAIT, () -> server.sessions().size() == 2);
        FrameClient third = connect(server);
        assertArrayEquals(new byte[] {9, 9}, third.receive());
        assertNull(third.receive());
        first.close();
        // The session leaves the registry a moment before its connection gives back its place.
        Await.until("a slot is free", WAIT, () -> server.sessions().size() == 1 && server.server().connections() == 1);
        FrameClient fourth = connect(server);
        fourth.send(bytes(7));
        assertArrayEquals(bytes(7), fourth.receive());
    }

    @Test
    void idleSessionsAreClosed() throws IOException {
        FrameServer server = echoServer(options().withIdleTimeout(Duration.ofSeconds(1)));
        FrameClient client = connect(server);
        long start = System.nanoTime();
        client.send(bytes(1));
        client.receive();
        assertNull(client.receive(), "closed for idleness");
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(900).toNanos());
    }

    @Test
    void connectionsThatNeverCompleteAFrameAreClosed() throws IOException {
        FrameServer server = echoServer(options().withHandshakeTimeout(Duration.ofSeconds(1)));
        FrameClient silent = connect(server);
        FrameClient half = connect(server);
        half.sendRaw(new byte[] {0, 9, 1}); // a header and one byte of nine, then nothing
        FrameClient polite = connect(server);
        polite.send(bytes(1));
        assertArrayEquals(bytes(1), polite.receive());
        assertNull(silent.receive(), "silent connection closed");
        assertNull(half.receive(), "half-open frame closed");
        polite.send(bytes(2));
        assertArrayEquals(bytes(2), polite.receive(), "a session that spoke stays");
    }

    @Test
    void oneSourceAddressCannotTakeEverySlot() throws IOException {
        Frame busy = Frame.of(new byte[] {5});
        FrameServer server = echoServer(options().withMaxConnectionsPerIp(3)
                .withRefusals((why, retry) -> why == Refusal.ADDRESS_CAP ? busy : null));
        InetSocketAddress flooder = new InetSocketAddress("127.0.0.2", 0);
        List<FrameClient> flood = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FrameClient c = FrameClient.connect(server.address(), flooder, Duration.ofSeconds(5));
            c.setReceiveTimeout(WAIT);
            toClose.add(c);
            c.send(bytes(1));
            c.receive();
            flood.add(c);
        }
        FrameClient fourth = FrameClient.connect(server.address(), flooder, Duration.ofSeconds(5));
        toClose.add(fourth);
        fourth.setReceiveTimeout(WAIT);
        assertArrayEquals(new byte[] {5}, fourth.receive(), "told why");
        assertNull(fourth.receive(), "then closed");
        FrameClient other = FrameClient.connect(server.address(), new InetSocketAddress("127.0.0.3", 0), Duration.ofSeconds(5));
        toClose.add(other);
        other.setReceiveTimeout(WAIT);
        other.send(bytes(4));
        assertArrayEquals(bytes(4), other.receive(), "another address is served");
        flood.get(0).close();
        Await.until("slot freed", WAIT, () -> server.sessions().size() == 3 && server.server().connections() == 3);
        FrameClient again = FrameClient.connect(server.address(), flooder, Duration.ofSeconds(5));
        toClose.add(again);
        again.setReceiveTimeout(WAIT);
        again.send(bytes(6));
        assertArrayEquals(bytes(6), again.receive(), "a closed connection frees its address's slot");
    }

    @Test
    void anAddressOpeningTooFastIsToldWhenToComeBackAndOthersAreServed() throws IOException {
        List<Long> hints = new ArrayList<>();
        FrameServer server = echoServer(options().withNewConnectionsPerIpPerSecond(5)
                .withRefusals((why, retryAfterMillis) -> {
                    assertEquals(Refusal.ADDRESS_RATE, why);
                    return Frame.of(java.nio.ByteBuffer.allocate(8).putLong(retryAfterMillis).array());
                }));
        InetSocketAddress flooder = new InetSocketAddress("127.0.0.2", 0);
        int served = 0;
        for (int i = 0; i < 20; i++) {
            FrameClient c = FrameClient.connect(server.address(), flooder, Duration.ofSeconds(5));
            toClose.add(c);
            c.setReceiveTimeout(WAIT);
            c.send(bytes(3));
            byte[] answer = c.receive();
            if (answer != null && answer.length == 3) {
                served++;
            } else {
                assertEquals(8, answer.length, "a refusal, not silence");
                hints.add(java.nio.ByteBuffer.wrap(answer).getLong());
                assertNull(c.receive(), "then closed");
            }
        }
        // A burst of one second's worth (5), plus what refilled while the loop ran.
        assertTrue(served >= 5 && served < 20, "served " + served);
        assertTrue(hints.stream().allMatch(h -> h >= 1 && h <= 201), "retry hints within one token's time: " + hints);
        FrameClient other = FrameClient.connect(server.address(), new InetSocketAddress("127.0.0.3", 0), Duration.ofSeconds(5));
        toClose.add(other);
        other.setReceiveTimeout(WAIT);
        other.send(bytes(4));
        assertArrayEquals(bytes(4), other.receive(), "another address is served");
        sleep(hints.get(hints.size() - 1));
        FrameClient later = FrameClient.connect(server.address(), flooder, Duration.ofSeconds(5));
        toClose.add(later);
        later.setReceiveTimeout(WAIT);
        later.send(bytes(5));
        assertArrayEquals(bytes(5), later.receive(), "admitted again after the hinted wait");
    }

    @Test
    void theServerWideRateSpreadsAStormOverTime() throws IOException {
        List<Refusal> refusals = new ArrayList<>();
        FrameServer server = echoServer(options().withNewConnectionsPerSecond(3)
                .withRefusals((why, retryAfterMillis) -> {
                    refusals.add(why);
                    return Frame.of(new byte[] {1, 2, 3, 4});
                }));
        int served = 0;
        for (int i = 0; i < 10; i++) {
            FrameClient c = connect(server);
            c.send(bytes(2));
            if (c.receive().length == 2) {
                served++;
            }
        }
        assertTrue(served >= 3 && served < 10, "served " + served);
        assertTrue(!refusals.isEmpty() && refusals.stream().allMatch(r -> r == Refusal.SERVER_RATE), refusals.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void handlerBugClosesOnlyThatSession() throws IOException {
        FrameServer server = start(options(), (session, body) -> {
            if (body.length == 0) {
                throw new IllegalStateException("bug on purpose");
            }
            session.send(body);
        });
        FrameClient buggy = connect(server);
        FrameClient fine = connect(server);
        buggy.send(new byte[0]);
        assertNull(buggy.receive());
        fine.send(bytes(3));
        assertArrayEquals(bytes(3), fine.receive());
    }

    /**
     * Work a handler runs through {@link Session#runDeep} runs on a short-lived thread named
     * like the session thread, one at a time and in order with the others; a bug there ends
     * only that session, as it would inline.
     */
    @Test
    void framesThatMayBlockDeepRunOnAnotherThreadInOrder() throws Exception {
        AtomicReference<String> reason = new AtomicReference<>();
        FrameServer server = start(options(), new FrameHandler() {
            private volatile Thread sessionThread;

            @Override
            public void onOpen(Session session) {
                sessionThread = Thread.currentThread();
            }

            @Override
            public void onFrame(Session session, byte[] body) throws IOException {
                if (body.length > 0 && body[0] != 0) {
                    session.runDeep(() -> answer(session, body));
                } else {
                    answer(session, body);
                }
            }

            private void answer(Session session, byte[] body) throws IOException {
                Thread current = Thread.currentThread();
                if (body.length > 0 && body[0] == 2) {
                    try {
                        Thread.sleep(50); // a slow store: a reply to a later frame must still come after
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (body.length > 0 && body[0] == 3) {
                    throw new IllegalStateException("bug on purpose");
                }
                session.send(new byte[] {body[0], (byte) (current == sessionThread ? 1 : 0),
                        (byte) (current.getName().equals(sessionThread.getName()) ? 1 : 0)});
            }

            @Override
            public void onClose(Session session) {
                reason.set(session.closeReason());
            }
        });
        FrameClient client = connect(server);
        client.send(new byte[] {2});
        client.send(new byte[] {0});
        client.send(new byte[] {1});
        assertArrayEquals(new byte[] {2, 0, 1}, client.receive(), "deep: another thread, same name");
        assertArrayEquals(new byte[] {0, 1, 1}, client.receive(), "shallow: the session thread");
        assertArrayEquals(new byte[] {1, 0, 1}, client.receive());
        client.send(new byte[] {3});
        assertNull(client.receive(), "a bug in deep work closes the session");
        Await.until("session thread ended", WAIT, () -> server.server().connections() == 0);
        assertTrue(reason.get().startsWith("internal error: java.lang.IllegalStateException"), reason.get());
    }

    @Test
    void clientThatStopsReadingIsCutByTheWriteTimeout() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        FrameServer server = start(options().withWriteTimeout(Duration.ofMillis(300)), new FrameHandler() {
            @Override
            public void onFrame(Session session, byte[] body) throws IOException {
                byte[] big = bytes(Frame.MAX_BODY);
                while (true) {
                    session.send(big); // blocks once the client's buffers are full
                }
            }

            @Override
            public void onClose(Session session) {
                closed.countDown();
            }
        });
        FrameClient client = connect(server);
        client.send(bytes(1));
        assertTrue(closed.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "session cut");
    }

    @Test
    void pushQueueFullClosesTheSession() throws Exception {
        AtomicReference<Session> serverSide = new AtomicReference<>();
        FrameServer server = start(options().withPushQueueCapacity(4).withWriteTimeout(Duration.ZERO),
                silentHandlerKeeping(serverSide));
        FrameClient client = connect(server);
        Await.until("session open", WAIT, () -> serverSide.get() != null);
        Session session = serverSide.get();
        byte[] big = bytes(Frame.MAX_BODY);
        boolean accepted = true;
        for (int i = 0; i < 10_000 && accepted; i++) {
            accepted = session.push(big); // the client never reads
        }
        assertFalse(accepted, "a push is refused once the queue is full");
        assertTrue(session.isClosed());
        assertTrue(session.closeReason().contains("push queue full"), session.closeReason());
        client.close();
    }

    @Test
    void pushesReachTheClientInOrder() throws Exception {
        AtomicReference<Session> serverSide = new AtomicReference<>();
        FrameServer server = start(options(), silentHandlerKeeping(serverSide));
        FrameClient client = connect(server);
        Await.until("session open", WAIT, () -> serverSide.get() != null);
        for (int i = 0; i < 50; i++) {
            assertTrue(serverSide.get().push(new byte[] {(byte) i}));
        }
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(new byte[] {(byte) i}, client.receive());
        }
    }

    @Test
    void keyedPushesStillQueuedFoldIntoTheNewestStandIn() throws Exception {
        AtomicReference<Session> serverSide = new AtomicReference<>();
        FrameServer server = start(options().withPushQueueCapacity(1000).withWriteTimeout(Duration.ZERO),
                silentHandlerKeeping(serverSide));
        FrameClient client = connect(server);
        Await.until("session open", WAIT, () -> serverSide.get() != null);
        Session session = serverSide.get();
        byte[] big = bytes(Frame.MAX_BODY);
        int bigFrames = 400; // 26 MB: more than the socket buffers hold while the client does not read
        for (int i = 0; i < bigFrames; i++) {
            assertTrue(session.push(big));
        }
        Object key = new Object();
        for (int i = 1; i <= 3; i++) {
            assertTrue(session.push(Frame.of(new byte[] {(byte) i}), key, Frame.of(new byte[] {(byte) (100 + i)})));
        }
        assertTrue(session.push(new byte[] {42}));
        for (int i = 0; i < bigFrames; i++) {
            assertEquals(Frame.MAX_BODY, client.receive().length);
        }
        assertArrayEquals(new byte[] {103}, client.receive(), "three queued pushes: one frame, the newest stand-in");
        assertArrayEquals(new byte[] {42}, client.receive());
    }

    @Test
    void stopClosesEverySessionAndWaitsForTheirThreads() throws IOException {
        FrameServer server = echoServer(options());
        List<FrameClient> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            FrameClient c = connect(server);
            c.send(bytes(1));
            c.receive();
            clients.add(c);
        }
        assertEquals(50, server.server().connections());
        server.stop();
        assertEquals(0, server.server().connections());
        assertEquals(0, server.sessions().size());
        for (FrameClient c : clients) {
            assertNull(c.receive(), "every client sees the close");
        }
        server.stop(); // a second stop does nothing
    }

    @Test
    void drainingStopDeliversTheReplyInHandEvenWithMoreRequestsPipelined() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        FrameServer server = start(options(), (session, body) -> {
            if (body.length == 1) { // the slow request
                handling.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            session.send(body);
        });
        FrameClient client = connect(server);
        client.send(bytes(1));
        assertTrue(handling.await(5, java.util.concurrent.TimeUnit.SECONDS));
        client.send(bytes(2)); // pipelined while the first is handled: never read by the server
        client.send(bytes(3));
        Thread stopper = Thread.ofVirtual().start(() -> server.stop(Duration.ofSeconds(5)));
        assertArrayEquals(bytes(1), client.receive(), "the reply in hand arrives intact");
        assertNull(client.receive(), "then a clean end of stream");
        client.close(); // lets the server's lingering close finish at once
        stopper.join(Duration.ofSeconds(10));
        assertEquals(0, server.server().connections());
    }

    @Test
    void theCloseHandlerRunsOnceAndAttachmentsStayWithTheSession() throws Exception {
        AtomicReference<Session> serverSide = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        FrameServer server = start(options(), new FrameHandler() {
            @Override
            public void onOpen(Session session) {
                serverSide.set(session);
            }

            @Override
            public void onFrame(Session session, byte[] body) {
            }

            @Override
            public void onClose(Session session) {
                closes.incrementAndGet();
            }
        });
        FrameClient client = connect(server);
        Await.until("session open", WAIT, () -> serverSide.get() != null);
        Session session = serverSide.get();
        session.attach("state of " + session.id());
        assertEquals("state of " + session.id(), session.attachment());
        client.close();
        Await.until("the close handler ran", WAIT, () -> closes.get() == 1);
        session.close("again");
        assertEquals(1, closes.get());
        assertEquals("peer closed", session.closeReason(), "the first reason stays");
        assertEquals("state of " + session.id(), session.attachment());
    }

    @Test
    void stoppedServerRefusesConnections() throws IOException {
        FrameServer server = echoServer(options());
        InetSocketAddress address = server.address();
        server.stop();
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            assertEquals(-1, in.read());
        } catch (IOException expected) {
            // refused: nothing listens any more
            assertFalse(expected instanceof SocketTimeoutException, "no one may be left reading");
        }
    }
}
