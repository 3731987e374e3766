package fishchat.chaos;

import com.google.protobuf.MessageLite;
import fishchat.client.ChatClient;
import fishchat.libnet.FrameClient;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.Base;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.protocol.external.offsetMsg;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a user's whole inbox as the server returns it: a fresh login through the gateway,
 * then sync pages from seq 0 until nothing is newer. Raw frames, not {@link ChatClient}: that
 * client skips seqs it already has, and the audit must see exactly what the server sends.
 */
final class InboxReader {
    private final Deployment deployment;

    InboxReader(Deployment deployment) {
        this.deployment = deployment;
    }

    /** The inbox in the order the server sent it; retried (bounded) while the deployment is still settling. */
    List<offsetMsg> readAll(long uid, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return readOnce(uid, deadline);
            } catch (IOException e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new IOException("could not read the inbox of user " + uid + " within " + timeout.toSeconds() + " s", last);
    }

    private List<offsetMsg> readOnce(long uid, long deadline) throws IOException {
        try (FrameClient frames = FrameClient.connect(ChatClient.askGateway(deployment.gateway(), null), Duration.ofSeconds(5))) {
            frames.setReceiveTimeout(Duration.ofSeconds(15));
            ResLogin login = ResLogin.parseFrom(request(frames, Cmd.LOGIN.code(), ReqLogin.newBuilder()
                    .setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(deployment.token(uid)).build()));
            if (login.getErrCode() != 0) {
                throw new IOException("login of " + uid + " answered " + login.getErrCode());
            }
            List<offsetMsg> inbox = new ArrayList<>();
            long current = 0;
            while (System.nanoTime() < deadline) {
                ResSyncMsg page = ResSyncMsg.parseFrom(request(frames, Cmd.SYNC_MSG.code(), ReqSyncMsg.newBuilder()
                        .setCmd(Cmd.SYNC_MSG.code()).setUID(uid).setCurrentID(current).build()));
                if (page.getErrCode() != 0) {
                    throw new IOException("sync of " + uid + " answered " + page.getErrCode());
                }
                inbox.addAll(page.getMsgsList());
                if (page.getMsgsCount() == 0 && !page.getMore()) {
                    return inbox;
                }
                if (page.getCurrentID() <= current && page.getMsgsCount() == 0) {
                    throw new IOException("sync of " + uid + " made no progress at " + current);
                }
                current = page.getCurrentID();
            }
            throw new IOException("sync of " + uid + " did not finish in time");
        }
    }

    /** Sends a request and returns the next frame of the reply's cmd (pushes such as notifies are skipped). */
    private static byte[] request(FrameClient frames, int cmd, MessageLite message) throws IOException {
        frames.send(message.toByteArray());
        for (int skipped = 0; skipped < 1000; skipped++) {
            byte[] body = frames.receive();
            if (body == null) {
                throw new IOException("server closed the connection");
            }
            if (Base.parseFrom(body).getCmd() == cmd) {
                return body;
            }
        }
        throw new IOException("no reply of cmd " + cmd);
    }
}
