package fishchat.access;

import fishchat.libnet.Session;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqPresence;
import fishchat.protocol.external.ResPresence;
import fishchat.store.Presence;
import fishchat.store.PresenceStore;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Cmd 20012: the presence of the users asked about, and from then on a push (cmd 20013) when
 * one of them changes.
 */
final class PresenceRequests {
    private final PresenceWatchers watchers;
    private final PresenceStore presence;
    private final AccessMetrics metrics;

    PresenceRequests(PresenceWatchers watchers, PresenceStore presence, AccessMetrics metrics) {
        this.watchers = watchers;
        this.presence = presence;
        this.metrics = metrics;
    }

    /**
     * Watching first, then reading: a change after the read is pushed, and pushes wait until the
     * reply is out, so the client never sees a change before the state.
     */
    void watchAndRead(Session session, long uid, ReqPresence req) throws IOException {
        if (req.getUIDsCount() > PresenceWatchers.MAX_WATCHED || req.getUIDsList().stream().anyMatch(u -> u <= 0)) {
            Replies.send(session, metrics, Cmd.PRESENCE, ErrorCode.REQUEST_ERR,
                    "request err: at most " + PresenceWatchers.MAX_WATCHED + " uids, each a positive number");
            return;
        }
        long[] uids = req.getUIDsList().stream().mapToLong(Long::longValue).distinct().toArray();
        SessionState state = session.attachment();
        session.holdingPushes(() -> {
            watchers.watch(session, state, uids);
            List<Presence> now = presence.read(Arrays.stream(uids).boxed().toList());
            session.send(ResPresence.newBuilder()
                    .setCmd(Cmd.PRESENCE.code())
                    .setErrCode(ErrorCode.OK.code())
                    .setErrStr(ErrorCode.OK.text())
                    .addAllUsers(now.stream().map(PresenceWatchers::toWire).toList())
                    .build().toByteArray());
        });
    }
}
