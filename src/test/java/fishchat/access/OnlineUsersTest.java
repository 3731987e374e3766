package fishchat.access;

import fishchat.libnet.FrameClient;
import fishchat.libnet.FrameHandler;
import fishchat.libnet.FrameServer;
import fishchat.libnet.ServerOptions;
import fishchat.libnet.Session;
import fishchat.metrics.Metrics;
import fishchat.protocol.external.ResNotify;
import fishchat.store.Delivery;
import fishchat.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Who is online, on real sessions of a frame server: devices per user, the oldest replaced, notifies to every device. */
class OnlineUsersTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<FrameClient> clients = new ArrayList<>();
    private final FrameServer server = new FrameServer(ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "online"),
            new FrameHandler() {
                @Override
                public void onOpen(Session session) {
                    sessions.add(session);
                }

                @Override
                public void onFrame(Session session, byte[] body) {
                }
            });
    private final Metrics metrics = new Metrics();
    private final OnlineUsers online = new OnlineUsers(metrics.counter("notifies_total", "test"), metrics.counter("pushed_total", "test"));

    @AfterEach
    void stop() throws IOException {
        for (FrameClient client : clients) {
            client.close();
        }
        server.stop();
    }

    /** The server side of a new connection. */
    private Session connect() throws IOException {
        if (server.address() == null) {
            server.start();
        }
        int before = sessions.size();
        FrameClient client = FrameClient.connect(server.address(), WAIT);
        client.setReceiveTimeout(WAIT);
        clients.add(client);
        Await.until("session open", WAIT, () -> sessions.size() == before + 1);
        return sessions.get(before);
    }

    @Test
    void devicesOverTheCapReplaceTheOldestAndAFailedLoginPutsThemBack() throws IOException {
        Session phone = connect();
        Session laptop = connect();
        Session tablet = connect();
        assertEquals(List.of(), online.add(7, phone, 2));
        assertEquals(List.of(), online.add(7, laptop, 2));
        assertEquals(List.of(phone), online.add(7, tablet, 2), "the oldest goes");
        assertEquals(List.of(laptop, tablet), online.sessions(7));
        online.remove(7, tablet);
        online.restore(7, List.of(phone));
        assertEquals(List.of(phone, laptop), online.sessions(7), "back in its place, oldest first");
        online.remove(7, phone);
        online.remove(7, laptop);
        assertEquals(0, online.users(), "a user with no session left is gone");
    }

    @Test
    void aNotifyReachesEveryDeviceOfEachRecipientWithTheNewestSeq() throws IOException {
        Session phone = connect();
        Session laptop = connect();
        Session other = connect();
        online.add(7, phone, 5);
        online.add(7, laptop, 5);
        online.add(8, other, 5);
        online.notify(List.of(new Delivery(7, 41), new Delivery(9, 3)));
        for (int device : new int[] {0, 1}) {
            assertEquals(41, ResNotify.parseFrom(clients.get(device).receive()).getCurrentID(), "device " + device);
        }
        clients.get(2).setReceiveTimeout(Duration.ofMillis(200));
        org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class, () -> clients.get(2).receive(),
                "another user hears nothing");
        assertEquals(2.0, metrics.samples().get("notifies_total"), "one push per device");
    }
}
