package fishchat.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import fishchat.chat.Messaging;
import fishchat.chat.SendOutcome;
import fishchat.chat.auth.TokenVerifier;
import fishchat.libnet.FrameHandler;
import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.Envelope;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqAcceptP2PMsgAck;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqLogout;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ReqPresence;
import fishchat.protocol.external.ReqSendGroupMsg;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResSendP2PMsg;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.store.PresenceStore;
import fishchat.store.StoreUnavailableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The access server's commands (20001–20010, 20012), dispatched from one table: for each cmd, how its
 * request parses, whether it needs a logged-in session, which uid field must repeat the
 * session's (93005 otherwise), what it draws on the user's send allowance, whether its work
 * waits on the store (then it runs through {@link Session#runDeep}), and its handler. The table
 * is consulted once per frame.
 *
 * <p>Every request that parses gets its own reply type with an errCode; Error{90001} answers only
 * bodies that do not parse and unknown cmds. The sender of a message is always the session's
 * uid. A store that cannot take a write answers 90001 and the session stays open.
 */
final class AccessHandler implements FrameHandler {
    private static final System.Logger LOG = System.getLogger(AccessHandler.class.getName());

    /** One row of the table. {@code claimedUid} and {@code charge} may be null: not checked, not charged. */
    private record Command<R extends MessageLite>(Parser<R> parser, boolean needsLogin, ToLongFunction<R> claimedUid,
                                                  ToIntFunction<R> charge, WaitsOnStore<R> waitsOnStore, Handler<R> handler,
                                                  Refusal<R> refusal) {
    }

    /** Whether handling a request waits on the store (then it runs through {@link Session#runDeep}). */
    @FunctionalInterface
    private interface WaitsOnStore<R> {
        boolean test(long uid, R request);
    }

    private static final WaitsOnStore<Object> STORE_WORK = (uid, request) -> true;
    private static final WaitsOnStore<Object> MEMORY_WORK = (uid, request) -> false;

    @FunctionalInterface
    private interface Handler<R> {
        /** {@code uid}: the session's, 0 when it has not logged in. */
        void handle(Session session, long uid, R request) throws IOException;
    }

    /** How a command says no: its own reply type carrying the code. */
    @FunctionalInterface
    private interface Refusal<R> {
        void send(Session session, R request, ErrorCode code) throws IOException;
    }

    private final Map<Cmd, Command<?>> commands = new EnumMap<>(Cmd.class);
    private final Messaging messaging;
    private final Logins logins;
    private final OnlineUsers online;
    private final UserAllowances allowances;
    private final AccessMetrics metrics;
    private final AccessOptions options;
    private final Announcements announcements;
    private final PresenceWatchers watchers;

    AccessHandler(Messaging messaging, TokenVerifier tokens, OnlineUsers online, AccessMetrics metrics,
                  AccessOptions options, Announcements announcements, PresenceWatchers watchers, PresenceStore presence) {
        this.messaging = messaging;
        this.logins = new Logins(messaging, tokens, online, metrics, options);
        this.online = online;
        this.allowances = new UserAllowances(options);
        this.metrics = metrics;
        this.options = options;
        this.announcements = announcements;
        this.watchers = watchers;
        GroupRequests groups = new GroupRequests(messaging, options, metrics);
        PresenceRequests presenceRequests = new PresenceRequests(watchers, presence, metrics);
        commands.put(Cmd.LOGIN, new Command<>(ReqLogin.parser(), false, null, null, store(),
                (session, uid, req) -> logins.login(session, req), status(Cmd.LOGIN)));
        commands.put(Cmd.PING, new Command<>(ReqPing.parser(), false, null, null, memory(),
                (session, uid, req) -> sendStatus(session, Cmd.PING, ErrorCode.OK), status(Cmd.PING)));
        commands.put(Cmd.SEND_P2P_MSG, new Command<>(ReqSendP2PMsg.parser(), true, ReqSendP2PMsg::getSourceUID,
                req -> utf8Bound(req.getMsg()), store(), this::sendP2P, this::p2pReply));
        commands.put(Cmd.ACCEPT_P2P_MSG_ACK, new Command<>(ReqAcceptP2PMsgAck.parser(), true, null, null, memory(),
                (session, uid, req) -> sendStatus(session, Cmd.ACCEPT_P2P_MSG_ACK, ErrorCode.OK), status(Cmd.ACCEPT_P2P_MSG_ACK)));
        commands.put(Cmd.SEND_GROUP_MSG, new Command<>(ReqSendGroupMsg.parser(), true, ReqSendGroupMsg::getSourceUID,
                req -> utf8Bound(req.getMsg()), store(), this::sendGroup, status(Cmd.SEND_GROUP_MSG)));
        // From memory when the newest entries are held there (the sync right after a push or notify).
        commands.put(Cmd.SYNC_MSG, new Command<>(ReqSyncMsg.parser(), true, ReqSyncMsg::getUID, null,
                (uid, req) -> !messaging.syncsFromMemory(uid, req.getCurrentID()),
                this::sync, AccessHandler::syncReply));
        commands.put(Cmd.LOGOUT, new Command<>(ReqLogout.parser(), true, null, null, memory(),
                this::logout, status(Cmd.LOGOUT)));
        commands.put(Cmd.JOIN_GROUP, new Command<>(ReqJoinGroup.parser(), true, ReqJoinGroup::getUID, req -> 0, store(),
                groups::join, status(Cmd.JOIN_GROUP)));
        commands.put(Cmd.LEAVE_GROUP, new Command<>(ReqLeaveGroup.parser(), true, ReqLeaveGroup::getUID, req -> 0, store(),
                groups::leave, status(Cmd.LEAVE_GROUP)));
        // Drawn on like a join: each request reads up to 1000 users' presence from the store.
        commands.put(Cmd.PRESENCE, new Command<>(ReqPresence.parser(), true, null, req -> 0, store(),
                presenceRequests::watchAndRead, status(Cmd.PRESENCE)));
    }

    @Override
    public void onFrame(Session session, byte[] body) throws IOException {
        Command<?> command;
        try {
            Cmd cmd = Cmd.of(Envelope.cmdOf(body));
            command = cmd == null ? null : commands.get(cmd);
        } catch (InvalidProtocolBufferException e) {
            session.send(Replies.MALFORMED);
            return;
        }
        if (command == null) {
            session.send(Replies.UNKNOWN_CMD);
            return;
        }
        serve(session, command, body);
    }

    private <R extends MessageLite> void serve(Session session, Command<R> command, byte[] body) throws IOException {
        R request;
        try {
            request = command.parser().parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            session.send(Replies.MALFORMED);
            return;
        }
        long uid = uidOf(session);
        ErrorCode refused = uid == 0 && command.needsLogin() ? ErrorCode.NOT_LOGGED_IN
                : mismatched(command.claimedUid(), request, uid) ? ErrorCode.UID_MISMATCH : null;
        if (refused == null && command.charge() != null) {
            refused = drawAllowance(session, uid, command.charge().applyAsInt(request));
        }
        if (refused != null) {
            refuse(session, command, request, refused);
        } else if (command.waitsOnStore().test(uid, request)) {
            session.runDeep(() -> handle(session, command, uid, request));
        } else {
            command.handler().handle(session, uid, request);
        }
    }

    private static <R> boolean mismatched(ToLongFunction<R> claimedUid, R request, long uid) {
        if (claimedUid == null) {
            return false;
        }
        long claimed = claimedUid.applyAsLong(request);
        return claimed != 0 && claimed != uid;
    }

    private <R extends MessageLite> void handle(Session session, Command<R> command, long uid, R request) throws IOException {
        try {
            command.handler().handle(session, uid, request);
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "{0}: {1} failed: {2}", session, request.getClass().getSimpleName(), e.getMessage());
            refuse(session, command, request, ErrorCode.SERVER_ERR);
        }
    }

    private <R extends MessageLite> void refuse(Session session, Command<R> command, R request, ErrorCode code)
            throws IOException {
        metrics.reply(code);
        command.refusal().send(session, request, code);
    }

    /**
     * Draws on the user's allowance: null when the request may go ahead; 90005 when over it
     * (nothing is stored), and the session is cut when its user stays over it too long.
     */
    private ErrorCode drawAllowance(Session session, long uid, int bytes) {
        UserAllowances.Verdict verdict = allowances.allow(uid, bytes, System.nanoTime());
        if (verdict == UserAllowances.Verdict.CUT) {
            session.endAfterReply("over the send rate limit for " + options.overLimitGrace().toSeconds() + " s");
        }
        return verdict == UserAllowances.Verdict.OK ? null : ErrorCode.RATE_LIMITED;
    }

    /** What a message's text is charged: its UTF-8 size, or for a short one the upper bound of 3 bytes a char. */
    private static int utf8Bound(String text) {
        return text.length() < 128 ? text.length() * 3 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private void sendP2P(Session session, long uid, ReqSendP2PMsg req) throws IOException {
        SendOutcome outcome = messaging.sendP2P(uid, req.getTargetUID(), req.getMsgID(), req.getMsg());
        metrics.reply(outcome.code());
        p2pReply(session, req, outcome.code(), uid);
        announcements.announce(outcome);
    }

    private void p2pReply(Session session, ReqSendP2PMsg req, ErrorCode code) throws IOException {
        p2pReply(session, req, code, uidOf(session));
    }

    private static void p2pReply(Session session, ReqSendP2PMsg req, ErrorCode code, long uid) throws IOException {
        session.send(ResSendP2PMsg.newBuilder()
                .setCmd(Cmd.SEND_P2P_MSG.code())
                .setErrCode(code.code())
                .setErrStr(code.text())
                .setSourceUID(uid)
                .setTargetUID(req.getTargetUID())
                .setMsgID(req.getMsgID())
                .build().toByteArray());
    }

    private void sendGroup(Session session, long uid, ReqSendGroupMsg req) throws IOException {
        SendOutcome outcome = messaging.sendGroup(uid, req.getGroupID(), req.getMsgID(), req.getMsg());
        sendStatus(session, Cmd.SEND_GROUP_MSG, outcome.code());
        announcements.announce(outcome); // after the sender has its answer
    }

    private void sync(Session session, long uid, ReqSyncMsg req) throws IOException {
        SessionState state = session.attachment();
        ResSyncMsg reply = messaging.sync(uid, req.getCurrentID(), state.ownCopies);
        metrics.syncs.inc();
        metrics.messagesDelivered.add(reply.getMsgsCount());
        session.send(reply.toByteArray());
    }

    /**
     * A failed sync still carries the request's currentID: FishChatServer2's clients take
     * their next sync position from any cmd-20006 reply, and 0 would make them fetch their
     * whole inbox again.
     */
    private static void syncReply(Session session, ReqSyncMsg req, ErrorCode code) throws IOException {
        session.send(ResSyncMsg.newBuilder()
                .setCmd(Cmd.SYNC_MSG.code())
                .setErrCode(code.code())
                .setErrStr(code.text())
                .setCurrentID(req.getCurrentID())
                .build().toByteArray());
    }

    private void logout(Session session, long uid, ReqLogout req) throws IOException {
        sendStatus(session, Cmd.LOGOUT, ErrorCode.OK);
        session.endAfterReply("logout"); // FIN after the reply: a plain close could reset it away
    }

    private void sendStatus(Session session, Cmd cmd, ErrorCode code) throws IOException {
        Replies.send(session, metrics, cmd, code);
    }

    @SuppressWarnings("unchecked")
    private static <R> WaitsOnStore<R> store() {
        return (WaitsOnStore<R>) STORE_WORK;
    }

    @SuppressWarnings("unchecked")
    private static <R> WaitsOnStore<R> memory() {
        return (WaitsOnStore<R>) MEMORY_WORK;
    }

    private static <R> Refusal<R> status(Cmd cmd) {
        return (session, request, code) -> session.send(Replies.status(cmd, code));
    }

    @Override
    public void onClose(Session session) {
        SessionState state = session.attachment();
        if (state != null) {
            watchers.unwatch(session, state);
        }
        long uid = uidOf(session);
        if (uid != 0) {
            online.remove(uid, session);
        }
    }

    /** The logged-in uid, or 0 (not logged in, or ended: replaced by a newer login, its token revoked). */
    static long uidOf(Session session) {
        SessionState state = session.attachment();
        return state == null || state.ended ? 0 : state.uid;
    }
}
