package fishchat.access;

import fishchat.bench.attack.JoinFloodAttack;
import fishchat.bench.attack.ReconnectBurstAttack;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResJoinGroup;
import fishchat.protocol.external.ResLeaveGroup;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.testing.ChatServer;
import fishchat.testing.ProtoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one user may do is the user's, not a session's: reconnecting, or sending from several
 * sessions at once, buys no more than the user's rate; joins draw on it too, and a user may be
 * a member of so many groups and no more.
 */
class UserLimitsTest {
    private static final int RATE = 10;

    @TempDir
    Path data;

    private ChatServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private void start(AccessOptions chat) throws IOException {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access")
                .withNewConnectionsPerIpPerSecond(0), chat, null);
    }

    /** A burst of twice the rate, then the rate, over the seconds it took; a little slack for the clock. */
    private static long allowed(double seconds) {
        return 2L * RATE + (long) Math.ceil(seconds * RATE) + 2;
    }

    @Test
    void reconnectingForAFreshAllowanceStoresNoMoreThanTheUsersRate() throws Exception {
        start(AccessOptions.defaults().withRates(RATE, 1 << 20, Duration.ofSeconds(30)));
        ReconnectBurstAttack.Outcome burst = ReconnectBurstAttack.run(server.access().address(), 66, server.token(66), 67,
                40, 1, Duration.ofSeconds(3));
        assertTrue(burst.stored() <= allowed(burst.seconds()), burst.resultLine());
        assertTrue(burst.rateLimited() > 0, burst.resultLine());
        assertEquals(burst.stored(), inboxSize(67), "what was refused was not stored");
    }

    @Test
    void severalSessionsOfOneUserShareOneAllowance() throws Exception {
        start(AccessOptions.defaults().withRates(RATE, 1 << 20, Duration.ofSeconds(30)));
        ReconnectBurstAttack.Outcome burst = ReconnectBurstAttack.run(server.access().address(), 66, server.token(66), 67,
                1000, 5, Duration.ofSeconds(2));
        assertTrue(burst.stored() <= allowed(burst.seconds()), burst.resultLine());
    }

    @Test
    void joinsDrawOnTheUsersRate() throws Exception {
        start(AccessOptions.defaults().withRates(RATE, 1 << 20, Duration.ofSeconds(30)));
        JoinFloodAttack.Outcome flood = JoinFloodAttack.run(server.access().address(), 66, server.token(66), 5, 1000,
                Duration.ofSeconds(2));
        assertTrue(flood.joined() <= allowed(flood.seconds()), flood.resultLine());
        assertTrue(flood.rateLimited() > 0, flood.resultLine());
    }

    @Test
    void aUserIsAMemberOfSoManyGroupsAndNoMore() throws Exception {
        start(AccessOptions.defaults().withMaxGroupsPerUser(3));
        ProtoClient alice = server.login(1);
        for (long group = 1; group <= 3; group++) {
            assertEquals(0, join(alice, group).getErrCode(), "group " + group);
        }
        assertEquals(0, join(alice, 2).getErrCode(), "joining a group one is in changes nothing, and is no error");
        ResJoinGroup refused = join(alice, 4);
        assertEquals(ErrorCode.REQUEST_ERR.code(), refused.getErrCode());
        assertTrue(refused.getErrStr().contains("too many groups (limit 3)"), refused.getErrStr());
        alice.send(ReqLeaveGroup.newBuilder().setCmd(Cmd.LEAVE_GROUP.code()).setGroupID(1).build());
        assertEquals(0, alice.receive(Cmd.LEAVE_GROUP.code(), ResLeaveGroup.parser()).getErrCode());
        assertEquals(0, join(alice, 4).getErrCode(), "after leaving one, another may be joined");
    }

    private static ResJoinGroup join(ProtoClient client, long group) throws IOException {
        client.send(ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setGroupID(group).build());
        return client.receive(Cmd.JOIN_GROUP.code(), ResJoinGroup.parser());
    }

    private long inboxSize(long uid) throws IOException {
        ProtoClient owner = server.login(uid);
        long count = 0;
        long from = 0;
        while (true) {
            owner.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(from).build());
            ResSyncMsg page = owner.receive(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
            count += page.getMsgsCount();
            from = page.getCurrentID();
            if (!page.getMore()) {
                return count;
            }
        }
    }
}
