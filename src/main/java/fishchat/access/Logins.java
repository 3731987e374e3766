package fishchat.access;

import fishchat.chat.Messaging;
import fishchat.chat.auth.TokenVerifier;
import fishchat.common.LogBudget;
import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ResKick;
import fishchat.protocol.external.ResLogin;
import fishchat.store.LoginState;
import fishchat.store.StoreUnavailableException;

import java.io.IOException;
import java.util.List;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Login (cmd 20001): the token checked, the session put online under its uid (replacing the
 * oldest devices over the per-user cap, each told why with a kick push), the token checked
 * against the user's revocation, and the reply with the user's newest seq, so the client knows
 * whether to sync.
 *
 * <p>The revocation is read after the session is online, in the same read as the newest seq: a
 * revocation committed before that read refuses the login here, and one committed after it
 * finds the session online and ends it ({@link Revoker}), so none slips between the two.
 */
final class Logins {
    private static final System.Logger LOG = System.getLogger(Logins.class.getName());
    /**
     * Refused logins, and logins on a session that is logged in already, a session may have;
     * the last is answered, then the session ends. No client needs more on one connection, and
     * one that pipelines logins (bad tokens, or its own again and again) could otherwise write
     * log lines and read the store as fast as it sends.
     */
    static final int MAX_LOGIN_FAULTS = 5;
    /** Refused logins logged a second, node-wide; the rest are counted in the next line. */
    private static final LogBudget REFUSALS_LOGGED = new LogBudget(20, 1_000_000_000L);

    private final Messaging messaging;
    private final TokenVerifier tokens;
    private final OnlineUsers online;
    private final AccessMetrics metrics;
    private final AccessOptions options;

    Logins(Messaging messaging, TokenVerifier tokens, OnlineUsers online, AccessMetrics metrics, AccessOptions options) {
        this.messaging = messaging;
        this.tokens = tokens;
        this.online = online;
        this.metrics = metrics;
        this.options = options;
    }

    void login(Session session, ReqLogin req) throws IOException {
        long uid = req.getUID();
        boolean again = AccessHandler.uidOf(session) != 0;
        if (again) {
            fault(session); // counted once, whatever the answer
        }
        ErrorCode verdict = uid <= 0 ? ErrorCode.REQUEST_ERR : tokens.verify(uid, req.getToken());
        if (verdict != ErrorCode.OK) {
            refused(session, uid, verdict.text(), !again);
            metrics.logins.inc(verdict.text());
            metrics.reply(verdict);
            session.send(Replies.status(Cmd.LOGIN, verdict));
            return;
        }
        long issuedAt = tokens.issuedAtMillis(req.getToken());
        // Pushes wait until ResLogin is out: the client learns its newest seq first, and a
        // notify racing with the login (for a message stored just before or during it)
        // arrives after the reply, as clients expect, never before it.
        session.holdingPushes(() -> completeLogin(session, uid, new SessionState(uid, issuedAt, req.getOwnCopies(), req.getPushMessages())));
    }

    /** A refused login: one log line (within the node's budget), and a fault of the session unless counted already. */
    private static void refused(Session session, long uid, String why, boolean countIt) {
        long leftOut = REFUSALS_LOGGED.take(System.nanoTime());
        if (leftOut >= 0) {
            LOG.log(INFO, "{0}: login as uid={1} refused: {2}{3}", session, String.valueOf(uid), why,
                    LogBudget.leftOutNote(leftOut, "refused logins"));
        }
        if (countIt) {
            fault(session);
        }
    }

    /** After {@value #MAX_LOGIN_FAULTS} (refused logins, logins again), the session ends once this answer is out. */
    private static void fault(Session session) {
        if (session.fault() >= MAX_LOGIN_FAULTS) {
            session.endAfterReply(MAX_LOGIN_FAULTS + " refused or repeated logins");
        }
    }

    private void completeLogin(Session session, long uid, SessionState state) throws IOException {
        long previous = AccessHandler.uidOf(session);
        SessionState before = session.attachment();
        if (previous != 0) {
            online.remove(previous, session);
        }
        session.attach(state);
        session.setLabel("uid=" + uid);
        // Online before reading the newest seq and the revocation: a message stored in between
        // is notified, a revocation committed in between ends this session.
        List<Session> evicted = online.add(uid, session, options.maxSessionsPerUser());
        LoginState known;
        try {
            known = messaging.loginState(uid);
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "{0}: login: {1}", session, e.getMessage());
            undo(session, uid, evicted, previous, before);
            metrics.reply(ErrorCode.SERVER_ERR);
            session.send(Replies.status(Cmd.LOGIN, ErrorCode.SERVER_ERR));
            return;
        }
        if (known.refuses(state.tokenIssuedAt)) {
            refused(session, uid, "token issued before the revocation of this uid's tokens", previous == 0);
            undo(session, uid, evicted, previous, before);
            metrics.logins.inc(ErrorCode.TOKEN_REVOKED.text());
            metrics.reply(ErrorCode.TOKEN_REVOKED);
            session.send(Replies.status(Cmd.LOGIN, ErrorCode.TOKEN_REVOKED));
            return;
        }
        long latest = known.lastSeq();
        for (Session replaced : evicted) {
            kick(replaced);
        }
        LOG.log(INFO, "{0}: logged in, newest seq {1}", session, String.valueOf(latest));
        metrics.logins.inc("ok");
        session.send(ResLogin.newBuilder()
                .setCmd(Cmd.LOGIN.code())
                .setErrCode(ErrorCode.OK.code())
                .setErrStr(ErrorCode.OK.text())
                .setCurrentID(latest)
                .setMaxMessageBytes(options.maxMessageBytes())
                .build().toByteArray());
    }

    /**
     * Takes back a login that failed after the session went online: the devices it would have
     * replaced stay, and the session is as before (logged in as its previous uid, or not at all).
     */
    private void undo(Session session, long uid, List<Session> evicted, long previous, SessionState before) {
        online.remove(uid, session);
        online.restore(uid, evicted);
        if (previous != 0) {
            session.attach(before);
            session.setLabel("uid=" + previous);
            online.add(previous, session, Integer.MAX_VALUE);
        } else {
            session.attach(null);
            session.setLabel(null);
        }
    }

    /** Tells a session that a newer login of its user replaced it, then closes it. */
    private void kick(Session replaced) {
        LOG.log(INFO, "{0}: replaced by a newer login (over {1} sessions per user)", replaced,
                String.valueOf(options.maxSessionsPerUser()));
        metrics.reply(ErrorCode.SESSION_REPLACED);
        SessionState state = replaced.attachment();
        if (state != null) {
            state.ended = true; // this login only: a newer login on that session gets a new state
        }
        replaced.pushThenClose(ResKick.newBuilder()
                .setCmd(Cmd.KICK.code())
                .setErrCode(ErrorCode.SESSION_REPLACED.code())
                .setErrStr(ErrorCode.SESSION_REPLACED.text())
                .setReason("logged in on more than " + options.maxSessionsPerUser() + " devices")
                .build().toByteArray(), "replaced by a newer login of the same user");
    }
}
