package fishchat.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import fishchat.libnet.FrameClient;
import fishchat.libnet.TlsTrust;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Base;
import fishchat.protocol.external.ReqAccessServer;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqLogout;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ReqSendGroupMsg;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResLogout;
import fishchat.protocol.external.ResMessagePush;
import fishchat.protocol.external.ResNotify;
import fishchat.protocol.external.ResSelectAccessServerForClient;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.protocol.external.offsetMsg;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fishchat client as an app would write one: asks the gateway for an access server, logs
 * in, and from then on keeps its inbox in sync by itself: new messages come pushed (it asks for
 * pushes at login) and are handed to the listener as they come; a gap in their seqs, or a
 * notify, wakes a sync loop that pulls everything after the last seq it holds. Each message
 * reaches the listener exactly once, in order. Requests may come from any thread and wait for
 * their reply.
 */
public final class ChatClient implements Closeable {
    /** Receives what the server sends unasked. Called from the client's own threads. */
    public interface Listener {
        void onMessage(offsetMsg message);

        default void onClosed() {
        }

        /**
         * The connection ended, and why: a {@link ChatException} with
         * {@link ErrorCode#SESSION_REPLACED} when a newer login of the same user took its
         * place, else the I/O failure or end of stream. Calls {@link #onClosed()} unless overridden.
         */
        default void onClosed(IOException cause) {
            onClosed();
        }
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Without a notify, sync anyway this often: a lost notify costs latency, never a message. */
    private static final Duration PERIODIC_SYNC = Duration.ofSeconds(10);
    private static final Duration SYNC_RETRY = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(ChatClient.class.getName());

    private final FrameClient frames;
    private final InetSocketAddress access;
    private final Listener listener;
    private final Duration replyTimeout;
    /** Replies come back in request order: each waits its turn here. */
    private final ArrayDeque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
    private final ReentrantLock requestLock = new ReentrantLock();
    private final ReentrantLock syncLock = new ReentrantLock();
    /** Held while a message is handed on and lastSeq moves: pushes (reader thread) and syncs (sync thread) take turns. */
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private final Condition syncWanted = syncLock.newCondition();
    private final Thread reader;
    private Thread syncer;
    private volatile long uid;
    /** The largest message text the server takes, as it said at login; 0 when it did not say. */
    private volatile int maxMessageBytes;
    private volatile long lastSeq;
    /** Guarded by syncLock. */
    private long newestKnown;
    /** Notifies received; guarded by syncLock. */
    private long notifies;
    private volatile boolean closed;
    /** Why the connection ended, for requests made after it (guarded by requestLock). */
    private IOException closeCause;

    private ChatClient(FrameClient frames, InetSocketAddress access, Listener listener, Duration replyTimeout) {
        this.frames = frames;
        this.access = access;
        this.listener = listener;
        this.replyTimeout = replyTimeout;
        this.reader = Thread.ofVirtual().name("chat-client-reader").start(this::readLoop);
    }

    /** Asks a gateway which access server to use (cmd 10001). */
    public static InetSocketAddress askGateway(InetSocketAddress gateway, InetSocketAddress localAddress) throws IOException {
        return askGateway(gateway, localAddress, null);
    }

    /** As above, over TLS when {@code tls} is given (a TLS gateway hands out TLS access addresses). */
    public static InetSocketAddress askGateway(InetSocketAddress gateway, InetSocketAddress localAddress, TlsTrust tls)
            throws IOException {
        try (FrameClient client = FrameClient.connect(gateway, localAddress, CONNECT_TIMEOUT, tls)) {
            client.setReceiveTimeout(Duration.ofSeconds(10));
            client.send(ReqAccessServer.newBuilder().setCmd(Cmd.REQ_ACCESS_SERVER.code()).build().toByteArray());
            byte[] body = client.receive();
            if (body == null) {
                throw new IOException("gateway " + gateway + " closed the connection");
            }
            throwIfError(body);
            ResSelectAccessServerForClient answer = ResSelectAccessServerForClient.parseFrom(body);
            if (answer.getErrCode() != 0) {
                throw new ChatException(ErrorCode.of(answer.getErrCode()), "gateway: " + answer.getErrStr());
            }
            int colon = answer.getAddr().lastIndexOf(':');
            return new InetSocketAddress(answer.getAddr().substring(0, colon),
                    Integer.parseInt(answer.getAddr().substring(colon + 1)));
        }
    }

    /** Connects to an access server: one from {@link #askGateway}, or one known beforehand. */
    public static ChatClient connect(InetSocketAddress access, InetSocketAddress localAddress, Listener listener)
            throws IOException {
        return connect(access, localAddress, null, listener);
    }

    /** As above, over TLS when {@code tls} is given. */
    public static ChatClient connect(InetSocketAddress access, InetSocketAddress localAddress, TlsTrust tls,
                                     Listener listener) throws IOException {
        return new ChatClient(FrameClient.connect(access, localAddress, CONNECT_TIMEOUT, tls), access, listener,
                Duration.ofSeconds(10));
    }

    /** The access server this client connected to (behind a gateway, the one it was handed). */
    public InetSocketAddress accessAddress() {
        return access;
    }

    /** Syncs from the newest message at login: the backlog is skipped. */
    public static final long FROM_NEWEST = -1;

    /**
     * Logs in, then syncs everything newer than {@code fromSeq} (0: the whole inbox;
     * {@link #FROM_NEWEST}: only what arrives from now on) in the background.
     */
    public long login(long uid, String token, long fromSeq) throws IOException {
        return login(uid, token, fromSeq, false);
    }

    /**
     * As {@link #login(long, String, long)}; with {@code ownCopies} the inbox also holds what this
     * user sends one-to-one (from any device), as messages whose sourceUID is the user.
     */
    public long login(long uid, String token, long fromSeq, boolean ownCopies) throws IOException {
        // New messages come pushed as they are stored (no sync round trip per message); a gap
        // in their seqs, or a push folded into a notify, makes the sync loop fetch what is missing.
        ResLogin res = request(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(token)
                        .setOwnCopies(ownCopies).setPushMessages(true).build(),
                ResLogin.parser());
        check(res.getErrCode(), res.getErrStr());
        this.uid = uid;
        this.maxMessageBytes = res.getMaxMessageBytes();
        this.lastSeq = fromSeq == FROM_NEWEST ? res.getCurrentID() : fromSeq;
        syncLock.lock();
        try {
            this.newestKnown = Math.max(newestKnown, res.getCurrentID());
        } finally {
            syncLock.unlock();
        }
        syncer = Thread.ofVirtual().name("chat-client-sync-" + uid).start(this::syncLoop);
        return res.getCurrentID();
    }

    /** The largest message text (UTF-8 bytes) the server takes, as it said at login; 0 when unknown. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public ErrorCode sendP2P(long target, String msgId, String text) throws IOException {
        return code(request(ReqSendP2PMsg.newBuilder().setCmd(Cmd.SEND_P2P_MSG.code())
                .setSourceUID(uid).setTargetUID(target).setMsgID(msgId).setMsg(text).build()));
    }

    public ErrorCode sendGroup(long groupId, String msgId, String text) throws IOException {
        return code(request(ReqSendGroupMsg.newBuilder().setCmd(Cmd.SEND_GROUP_MSG.code())
                .setSourceUID(uid).setGroupID(groupId).setMsgID(msgId).setMsg(text).build()));
    }

    public ErrorCode join(long groupId) throws IOException {
        return code(request(ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setUID(uid).setGroupID(groupId).build()));
    }

    public ErrorCode leave(long groupId) throws IOException {
        return code(request(ReqLeaveGroup.newBuilder().setCmd(Cmd.LEAVE_GROUP.code()).setUID(uid).setGroupID(groupId).build()));
    }

    public ErrorCode ping() throws IOException {
        byte[] reply = request(ReqPing.newBuilder().setCmd(Cmd.PING.code()).setUID(uid).build());
        return ErrorCode.of(fishchat.protocol.external.ResPing.parseFrom(reply).getErrCode());
    }

    public void logout() throws IOException {
        request(ReqLogout.newBuilder().setCmd(Cmd.LOGOUT.code()).setUID(uid).build(), ResLogout.parser());
    }

    /**
     * Reads the inbox after {@code afterSeq} up to and including {@code upToSeq}, oldest first,
     * page by page, without moving the background sync's position: for showing what was
     * stored before this login (the sync loop, started {@link #FROM_NEWEST}, carries on from there).
     */
    public void readInbox(long afterSeq, long upToSeq, java.util.function.Consumer<offsetMsg> each) throws IOException {
        long from = afterSeq;
        while (from < upToSeq) {
            ResSyncMsg page = request(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code())
                    .setUID(uid).setCurrentID(from).build(), ResSyncMsg.parser());
            check(page.getErrCode(), page.getErrStr());
            for (offsetMsg m : page.getMsgsList()) {
                if (m.getSeq() > upToSeq) {
                    return;
                }
                if (m.getSeq() > from) {
                    each.accept(m);
                }
            }
            if (page.getMsgsCount() == 0 || !page.getMore() || page.getCurrentID() <= from) {
                return; // nothing more is stored (older messages may have been purged)
            }
            from = page.getCurrentID();
        }
    }

    /** The seq of the newest message handed to the listener. */
    public long lastSeq() {
        return lastSeq;
    }

    private static ErrorCode code(byte[] reply) throws InvalidProtocolBufferException {
        if (Base.parseFrom(reply).getCmd() == Cmd.ERROR.code()) {
            return ErrorCode.of(fishchat.protocol.external.Error.parseFrom(reply).getErrCode());
        }
        // Every other reply but ResPing carries errCode in field 3: ResLogout reads them all.
        return ErrorCode.of(ResLogout.parseFrom(reply).getErrCode());
    }

    private static void check(int errCode, String errStr) throws ChatException {
        if (errCode != 0) {
            throw new ChatException(ErrorCode.of(errCode, errStr), errStr);
        }
    }

    /**
     * An {@code Error} frame where a reply was expected (the connection was refused at
     * admission, or the request did not parse) becomes a ChatException, with the server's
     * retry hint when it gave one.
     */
    private static void throwIfError(byte[] reply) throws IOException {
        if (Base.parseFrom(reply).getCmd() == Cmd.ERROR.code()) {
            throw errorOf(reply);
        }
    }

    private static ChatException errorOf(byte[] errorFrame) throws IOException {
        var error = fishchat.protocol.external.Error.parseFrom(errorFrame);
        return new ChatException(ErrorCode.of(error.getErrCode()), error.getErrStr(),
                Duration.ofMillis(error.getRetryAfterMs()));
    }

    private <T> T request(MessageLite message, Parser<T> parser) throws IOException {
        byte[] reply = request(message);
        throwIfError(reply);
        return parser.parseFrom(reply);
    }

    private byte[] request(MessageLite message) throws IOException {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        IOException sendFailure = null;
        requestLock.lock();
        try {
            if (closed) {
                // E.g. refused at admission before this request was sent: say why, hint included.
                throw closeCause instanceof ChatException refused ? refused : new IOException("connection closed", closeCause);
            }
            pending.add(reply);
            try {
                frames.send(message.toByteArray());
            } catch (IOException e) {
                // The server may have closed after saying why (a refusal at admission): the
                // reader still reads that answer, or fails this reply with the connection's end.
                sendFailure = e;
            }
        } finally {
            requestLock.unlock();
        }
        try {
            return reply.get(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChatException refused) {
                throw refused;
            }
            if (sendFailure != null) {
                throw sendFailure;
            }
            throw new IOException("connection lost: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no reply within " + replyTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void readLoop() {
        IOException failure = null;
        try {
            byte[] body;
            while ((body = frames.receive()) != null) {
                int cmd = Base.parseFrom(body).getCmd();
                if (cmd == Cmd.NOTIFY.code()) {
                    onNotify(ResNotify.parseFrom(body).getCurrentID());
                    continue;
                }
                if (cmd == Cmd.MESSAGE_PUSH.code()) {
                    onPush(ResMessagePush.parseFrom(body));
                    continue;
                }
                if (cmd == Cmd.KICK.code()) {
                    // A push, not a reply: matching it to a pending request would shift every reply.
                    var kick = fishchat.protocol.external.ResKick.parseFrom(body);
                    ErrorCode why = ErrorCode.of(kick.getErrCode(), kick.getErrStr());
                    failure = new ChatException(why == null || why == ErrorCode.OK ? ErrorCode.SESSION_REPLACED : why,
                            kick.getReason());
                    break;
                }
                CompletableFuture<byte[]> next;
                requestLock.lock();
                try {
                    next = pending.poll();
                } finally {
                    requestLock.unlock();
                }
                if (next != null) {
                    next.complete(body);
                } else if (cmd == Cmd.ERROR.code()) {
                    // Nothing was asked yet: the server refused the connection at admission.
                    failure = errorOf(body);
                    break;
                }
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            shutDown(failure == null ? new IOException("server closed the connection") : failure);
        }
    }

    /**
     * A pushed entry: handed on at once when it follows the last seq held (an entry with no
     * message, the user's own copy it did not ask for, only moves the seq on); after a hole the
     * sync loop fetches from the last seq held, this entry included.
     */
    private void onPush(ResMessagePush push) {
        deliveryLock.lock();
        try {
            long upTo = Math.max(push.getCurrentID(), push.getMsgsCount() == 0 ? 0 : push.getMsgs(push.getMsgsCount() - 1).getSeq());
            if (upTo <= lastSeq) {
                return; // a sync got there first
            }
            if (push.getMsgsCount() == 0 ? upTo != lastSeq + 1 : push.getMsgs(0).getSeq() != lastSeq + 1) {
                onNotify(upTo); // a hole: missed entries, or pushes folded into a notify
                return;
            }
            for (offsetMsg m : push.getMsgsList()) {
                lastSeq = m.getSeq();
                deliver(m);
            }
            lastSeq = upTo;
        } finally {
            deliveryLock.unlock();
        }
    }

    private void onNotify(long currentId) {
        syncLock.lock();
        try {
            notifies++;
            newestKnown = Math.max(newestKnown, currentId);
            syncWanted.signalAll();
        } finally {
            syncLock.unlock();
        }
    }

    /** Pulls until it holds everything the server announced; then waits for the next notify. */
    private void syncLoop() {
        try {
            while (!closed) {
                long notifiesBefore;
                syncLock.lock();
                try {
                    notifiesBefore = notifies;
                    if (lastSeq >= newestKnown && !closed) {
                        if (!syncWanted.await(PERIODIC_SYNC.toMillis(), TimeUnit.MILLISECONDS)) {
                            // As FishChatServer2's clients do: ask now and then, in case a notify was lost.
                            newestKnown = Math.max(newestKnown, lastSeq + 1);
                        }
                        continue;
                    }
                } finally {
                    syncLock.unlock();
                }
                ResSyncMsg page = request(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code())
                        .setUID(uid).setCurrentID(lastSeq).build(), ResSyncMsg.parser());
                if (page.getErrCode() != 0) {
                    Thread.sleep(SYNC_RETRY.toMillis()); // e.g. the store is briefly unavailable: try again
                    continue;
                }
                deliveryLock.lock();
                try {
                    for (offsetMsg m : page.getMsgsList()) {
                        if (m.getSeq() > lastSeq) {
                            lastSeq = m.getSeq();
                            deliver(m);
                        }
                    }
                    // Past the entries it is not shown (own copies it did not ask for) as well.
                    lastSeq = Math.max(lastSeq, page.getCurrentID());
                } finally {
                    deliveryLock.unlock();
                }
                syncLock.lock();
                try {
                    newestKnown = Math.max(newestKnown, page.getCurrentID());
                    if (page.getMsgsCount() == 0 && !page.getMore() && notifies == notifiesBefore) {
                        // Nothing newer is stored (e.g. purged, or the periodic probe): stop asking
                        // until the next notify. A notify that came meanwhile keeps its seq.
                        newestKnown = lastSeq;
                    }
                } finally {
                    syncLock.unlock();
                }
            }
        } catch (IOException e) {
            shutDown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(offsetMsg message) {
        try {
            listener.onMessage(message);
        } catch (RuntimeException e) {
            // The application's bug must not stop the sync loop of a connection that looks open.
            LOG.log(System.Logger.Level.WARNING, "chat client listener failed on message seq " + message.getSeq(), e);
        }
    }

    private void shutDown(IOException cause) {
        boolean first;
        requestLock.lock();
        try {
            first = !closed;
            if (first) {
                closeCause = cause;
            }
            closed = true;
            CompletableFuture<byte[]> p;
            while ((p = pending.poll()) != null) {
                p.completeExceptionally(cause);
            }
        } finally {
            requestLock.unlock();
        }
        syncLock.lock();
        try {
            syncWanted.signalAll();
        } finally {
            syncLock.unlock();
        }
        try {
            frames.close();
        } catch (IOException ignored) {
            // already closing
        }
        if (first) {
            listener.onClosed(cause);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Cuts the connection with a TCP reset, as a crashed client would; requests in flight fail. */
    public void abort() {
        try {
            frames.abort();
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        shutDown(new IOException("client closed"));
        if (syncer != null) {
            syncer.interrupt();
        }
        reader.interrupt();
    }
}
