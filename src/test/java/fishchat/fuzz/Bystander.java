package fishchat.fuzz;

import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ResJoinGroup;
import fishchat.protocol.external.ResNotify;
import fishchat.testing.ChatServer;
import fishchat.testing.ProtoClient;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A logged-in user who sends nothing while the fuzzer runs, so that anything a fuzzed client
 * causes to reach it can be judged. The rule: it receives nothing but ResNotify pushes, each
 * for a message that is really in its inbox (0 &lt; currentID ≤ its newest seq, never going
 * back), and when its inbox grew it is told of the newest message. No reply, no error, no
 * kick, no close.
 */
final class Bystander implements AutoCloseable {
    private final ProtoClient client;
    private final LongSupplier newestSeq;
    private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile String ended;
    private volatile boolean closing;
    private long lastNotified;

    Bystander(ChatServer server, long uid, long group, LongSupplier newestSeq) throws IOException {
        this.newestSeq = newestSeq;
        client = ProtoClient.connect(server.access().address());
        assertEquals(0, server.login(client, uid).getErrCode(), "bystander login");
        client.send(ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setGroupID(group).build());
        assertEquals(0, client.receive(Cmd.JOIN_GROUP.code(), ResJoinGroup.parser()).getErrCode(), "bystander join");
        lastNotified = newestSeq.getAsLong();
        client.frames().setReceiveTimeout(Duration.ZERO); // its reader waits for as long as the run lasts
        reader = Thread.ofPlatform().name("bystander-reader").daemon(true).start(this::readAll);
    }

    private void readAll() {
        try {
            byte[] body;
            while ((body = client.frames().receive()) != null) {
                frames.add(body);
            }
            ended = "the server closed the bystander's connection";
        } catch (IOException e) {
            ended = closing ? null : "the bystander's connection failed: " + e;
        }
    }

    /** Judges what arrived so far; waits (boundedly) for the notify of a message that arrived. */
    void check() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            byte[] body;
            while ((body = frames.poll()) != null) {
                judge(body);
            }
            if (ended != null) {
                fail(ended);
            }
            if (lastNotified >= newestSeq.getAsLong()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("the bystander was not told of message " + newestSeq.getAsLong() + " within 5 s (last notify: "
                        + lastNotified + ")");
            }
            try {
                body = frames.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
                return;
            }
            if (body != null) {
                judge(body);
            }
        }
    }

    private void judge(byte[] body) throws IOException {
        int cmd = ProtoClient.cmdOf(body);
        assertEquals(Cmd.NOTIFY.code(), cmd, "the bystander received a frame that is not a ResNotify");
        ResNotify notify = ResNotify.parseFrom(body);
        assertEquals(0, notify.getErrCode(), "errCode of a notify");
        long newest = newestSeq.getAsLong();
        assertTrue(notify.getCurrentID() > 0 && notify.getCurrentID() <= newest,
                "notify of seq " + notify.getCurrentID() + " but the bystander's newest is " + newest);
        assertTrue(notify.getCurrentID() >= lastNotified,
                "notify of seq " + notify.getCurrentID() + " after one of " + lastNotified);
        lastNotified = notify.getCurrentID();
    }

    @Override
    public void close() throws IOException {
        closing = true;
        client.close();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
