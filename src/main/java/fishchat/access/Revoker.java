package fishchat.access;

import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResKick;
import fishchat.store.MessageStore;
import fishchat.store.StoreUnavailableException;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Ends the sessions of revoked tokens. A revocation is recorded in the store (which every node's
 * logins read, and which tells the other nodes); this node's sessions of that user whose token
 * was issued before it are told with a kick push (cmd 20011, errCode 93002 "token revoked") and
 * closed at once. Logins racing with it are refused by {@link Logins}.
 */
final class Revoker {
    private static final System.Logger LOG = System.getLogger(Revoker.class.getName());
    /** Users asked about per store read when checking every online user. */
    private static final int CHUNK = 1000;

    private final MessageStore store;
    private final OnlineUsers online;
    private final AccessMetrics metrics;
    private final Clock clock;

    Revoker(MessageStore store, OnlineUsers online, AccessMetrics metrics, Clock clock) {
        this.store = store;
        this.online = online;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Revokes every token of {@code uid} issued before now; returns the revocation time in force. */
    long revoke(long uid) {
        long inForce = store.revoke(uid, clock.millis());
        LOG.log(INFO, "tokens of uid={0} issued before {1} revoked", String.valueOf(uid), String.valueOf(inForce));
        revoked(uid, inForce);
        return inForce;
    }

    /** Ends this node's sessions of {@code uid} whose token was issued before {@code atMillis}. */
    int revoked(long uid, long atMillis) {
        List<Session> ended = online.removeIf(uid, session -> {
            SessionState state = session.attachment();
            return state != null && state.tokenIssuedAt < atMillis;
        });
        for (Session session : ended) {
            SessionState state = session.attachment();
            state.ended = true;
            metrics.reply(ErrorCode.TOKEN_REVOKED);
            LOG.log(INFO, "{0}: its token was revoked", session);
            session.pushThenClose(ResKick.newBuilder()
                    .setCmd(Cmd.KICK.code())
                    .setErrCode(ErrorCode.TOKEN_REVOKED.code())
                    .setErrStr(ErrorCode.TOKEN_REVOKED.text())
                    .setReason("the tokens of this user were revoked")
                    .build().toByteArray(), "token revoked");
        }
        return ended.size();
    }

    /** After the store's feed was down: ends the sessions that a revocation missed meanwhile should have ended. */
    void recheckEveryone() {
        List<Long> uids = online.uids();
        try {
            for (int from = 0; from < uids.size(); from += CHUNK) {
                Map<Long, Long> revoked = store.revocations(uids.subList(from, Math.min(uids.size(), from + CHUNK)));
                revoked.forEach(this::revoked);
            }
        } catch (StoreUnavailableException e) {
            LOG.log(WARNING, "store feed resumed but checking revocations failed: {0}", e.getMessage());
        }
    }
}
