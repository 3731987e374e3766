package fishchat.access;

import fishchat.chat.SendOutcome;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqPresence;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResKick;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResLogout;
import fishchat.protocol.external.ResNotify;
import fishchat.protocol.external.ResPresence;
import fishchat.protocol.external.ResPresenceChange;
import fishchat.protocol.external.ResSendP2PMsg;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.protocol.external.UserPresence;
import fishchat.protocol.external.offsetMsg;
import fishchat.store.JoinResult;
import fishchat.store.Presence;
import fishchat.testing.Await;
import fishchat.testing.ChatServer;
import fishchat.testing.ProtoClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the server API relies on in the access server, over real sockets with a real SQLite store:
 * own copies for the sessions that ask, system notices, revocations that end sessions and refuse
 * old tokens, managed groups, and presence with its pushes (cmd 20012/20013).
 */
class AccessBackendTest {
    @TempDir
    Path data;

    private ChatServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private ProtoClient login(long uid, boolean ownCopies) throws IOException {
        return login(uid, server.token(uid), ownCopies);
    }

    private ProtoClient login(long uid, String token, boolean ownCopies) throws IOException {
        ProtoClient client = server.connect();
        assertEquals(0, loginWith(client, uid, token, ownCopies).getErrCode(), "login of " + uid);
        return client;
    }

    private static ResLogin loginWith(ProtoClient client, long uid, String token, boolean ownCopies) throws IOException {
        client.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(token).setOwnCopies(ownCopies).build());
        return client.receive(Cmd.LOGIN.code(), ResLogin.parser());
    }

    private static ResSyncMsg sync(ProtoClient client, long from) throws IOException {
        client.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(from).build());
        return client.receiveSkipping(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
    }

    /** The next frame, or null when none comes within {@code millis}. */
    private static byte[] nextFrame(ProtoClient client, long millis) throws IOException {
        client.frames().setReceiveTimeout(Duration.ofMillis(millis));
        try {
            return client.frames().receive();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            client.frames().setReceiveTimeout(Duration.ofSeconds(10));
        }
    }

    @Test
    void ownCopiesGoOnlyToSessionsThatAskedForThem() throws Exception {
        server = ChatServer.start(data);
        ProtoClient phone = login(1, true);
        ProtoClient legacy = login(1, false); // a FishChatServer2 client of the same user
        ProtoClient laptop = login(1, true);
        laptop.send(ReqSendP2PMsg.newBuilder().setCmd(Cmd.SEND_P2P_MSG.code()).setTargetUID(2).setMsgID("m1").setMsg("hi bob").build());
        assertEquals(0, laptop.receiveSkipping(Cmd.SEND_P2P_MSG.code(), ResSendP2PMsg.parser()).getErrCode());

        assertEquals(1, phone.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID(), "the phone is told of the copy");
        offsetMsg copy = sync(phone, 0).getMsgs(0);
        assertEquals(List.of(1L, 2L, 0L, "p2p", "hi bob", 1L), List.of(copy.getSourceUID(), copy.getTargetUID(),
                copy.getGroupID(), copy.getMsgType(), copy.getMsg(), copy.getSeq()));

        assertNull(nextFrame(legacy, 300), "no notify for an own copy to a session that did not ask");
        ResSyncMsg legacySync = sync(legacy, 0);
        assertEquals(0, legacySync.getMsgsCount(), "nor the copy in its sync");
        assertEquals(1, legacySync.getCurrentID(), "but its position moves past it");

        server.access().backend().sendToUser(2, 1, "r1", "hi alice");
        assertEquals(2, legacy.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID(), "what others send is notified as ever");
        assertEquals(List.of("hi alice"), sync(legacy, 1).getMsgsList().stream().map(offsetMsg::getMsg).toList());
    }

    @Test
    void theBackendSendsAsTheSystemToUsersAndToGroupsWithoutMembership() throws Exception {
        server = ChatServer.start(data);
        ProtoClient bob = login(2, false);
        ProtoClient carol = login(3, false);
        for (ProtoClient member : List.of(bob, carol)) {
            member.send(ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setGroupID(9).build());
            assertEquals(0, member.receiveSkipping(Cmd.JOIN_GROUP.code(), ResLogout.parser()).getErrCode());
        }
        Backend backend = server.access().backend();
        SendOutcome notice = backend.sendToUser(0, 2, "n1", "your order shipped");
        assertEquals(ErrorCode.OK, notice.code());
        assertEquals(1, notice.deliveries().size(), "the system keeps no copy");
        assertEquals(ErrorCode.OK, backend.sendToUser(0, 2, "n1", "your order shipped").code(), "a resend is answered as the first");
        assertEquals(List.of(), backend.sendToUser(0, 2, "n1", "your order shipped").deliveries(), "and stored once");
        assertEquals(ErrorCode.OK, backend.sendToGroup(0, 9, "n2", "maintenance at noon").code());
        assertEquals(ErrorCode.REQUEST_ERR, backend.sendToGroup(7, 9, "n3", "not a member").code());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE,
                backend.sendToUser(0, 2, "n4", "x".repeat(AccessOptions.DEFAULT_MAX_MESSAGE_BYTES + 1)).code());

        Await.until("bob has both notices", Duration.ofSeconds(5), () -> {
            try {
                return sync(bob, 0).getMsgsCount() == 2;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<offsetMsg> got = sync(bob, 0).getMsgsList();
        assertEquals(List.of(0L, 0L), got.stream().map(offsetMsg::getSourceUID).toList());
        assertEquals(List.of(0L, 9L), got.stream().map(offsetMsg::getGroupID).toList());
        assertEquals("maintenance at noon", sync(carol, 0).getMsgs(0).getMsg());
    }

    @Test
    void aRevocationEndsTheUsersSessionsAndRefusesItsOlderTokens() throws Exception {
        server = ChatServer.start(data);
        String before = server.token(1);
        String threePart = legacyThreePartToken(1);
        ProtoClient first = login(1, before, true);
        ProtoClient second = login(1, before, false);
        ProtoClient other = login(2, false);
        Thread.sleep(5); // the revocation comes after the token was issued

        long revokedAt = server.access().backend().revoke(1);
        for (ProtoClient ended : List.of(first, second)) {
            ResKick kick = ended.receiveSkipping(Cmd.KICK.code(), ResKick.parser());
            assertEquals(ErrorCode.TOKEN_REVOKED.code(), kick.getErrCode());
            assertEquals("token revoked", kick.getErrStr());
            assertNull(ended.frames().receive(), "then the session is closed");
        }
        assertNull(nextFrame(other, 200), "another user's session is left alone");
        assertEquals(revokedAt, server.access().backend().revokedAt(1));

        ResLogin again = loginWith(server.connect(), 1, before, true);
        assertEquals(ErrorCode.TOKEN_REVOKED.code(), again.getErrCode());
        assertEquals("token revoked", again.getErrStr());
        assertEquals(ErrorCode.TOKEN_REVOKED.code(), loginWith(server.connect(), 1, threePart, true).getErrCode(),
                "a token that does not say when it was issued cannot show it came after");
        assertEquals(0, loginWith(server.connect(), 1, server.token(1), true).getErrCode(), "a token issued after it works");
        assertEquals(0, loginWith(server.connect(), 2, legacyThreePartToken(2), true).getErrCode(),
                "three-part tokens of users never revoked still work");
    }

    /** A token of the form before issue times were added: uid.expiry.signature. */
    private static String legacyThreePartToken(long uid) throws Exception {
        long expiry = Clock.systemUTC().instant().plus(Duration.ofHours(1)).getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(ChatServer.SECRET, "HmacSHA256"));
        String claims = uid + "." + expiry;
        return claims + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(claims.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void underManagedGroupsClientsCannotJoinOrLeaveButTheBackendChangesMembers() throws Exception {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                AccessOptions.defaults().withGroups(AccessOptions.Groups.MANAGED), null);
        ProtoClient alice = login(1, false);
        alice.send(ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setGroupID(5).build());
        ResLogout join = alice.receive(Cmd.JOIN_GROUP.code(), ResLogout.parser());
        assertEquals(ErrorCode.REQUEST_ERR.code(), join.getErrCode());
        assertTrue(join.getErrStr().contains("managed"), join.getErrStr());

        Backend backend = server.access().backend();
        assertEquals(JoinResult.JOINED, backend.addMember(5, 1));
        assertEquals(JoinResult.ALREADY_MEMBER, backend.addMember(5, 1));
        alice.send(ReqLeaveGroup.newBuilder().setCmd(Cmd.LEAVE_GROUP.code()).setGroupID(5).build());
        assertEquals(ErrorCode.REQUEST_ERR.code(), alice.receive(Cmd.LEAVE_GROUP.code(), ResLogout.parser()).getErrCode());
        assertEquals(List.of(1L), backend.members(5, 0, 10), "the client's leave changed nothing");
        assertTrue(backend.removeMember(5, 1));
        assertFalse(backend.removeMember(5, 1));
    }

    @Test
    void aSessionThatWatchesUsersIsPushedTheirPresenceAndNoOtherSessionIs() throws Exception {
        server = ChatServer.start(data);
        ProtoClient watcher = login(1, true);
        ProtoClient bystander = login(3, true);
        watcher.send(ReqPresence.newBuilder().setCmd(Cmd.PRESENCE.code()).addUIDs(2).addUIDs(4).build());
        ResPresence now = watcher.receive(Cmd.PRESENCE.code(), ResPresence.parser());
        assertEquals(0, now.getErrCode());
        assertEquals(List.of(2L, 4L), now.getUsersList().stream().map(UserPresence::getUID).toList());
        assertTrue(now.getUsersList().stream().noneMatch(UserPresence::getOnline));
        assertEquals(0, now.getUsers(0).getSince(), "never seen");

        ProtoClient bobPhone = login(2, true);
        UserPresence online = watcher.receive(Cmd.PRESENCE_CHANGE.code(), ResPresenceChange.parser()).getUsers(0);
        assertEquals(List.of(2L, true, 1), List.of(online.getUID(), online.getOnline(), online.getDevices()));
        assertTrue(online.getSince() > 0);
        ProtoClient bobLaptop = login(2, true);
        assertEquals(2, watcher.receive(Cmd.PRESENCE_CHANGE.code(), ResPresenceChange.parser()).getUsers(0).getDevices());
        assertEquals(List.of(new Presence(2, 2, online.getSince())), server.access().backend().presence(List.of(2L)));

        bobPhone.close();
        bobLaptop.close();
        UserPresence last;
        do {
            last = watcher.receive(Cmd.PRESENCE_CHANGE.code(), ResPresenceChange.parser()).getUsers(0);
        } while (last.getOnline());
        assertEquals(0, last.getDevices());
        assertTrue(last.getSince() >= online.getSince(), "offline since when last seen");

        assertNull(nextFrame(bystander, 300), "a session that did not ask is never pushed presence");
        watcher.send(ReqPresence.newBuilder().setCmd(Cmd.PRESENCE.code()).build());
        assertEquals(0, watcher.receive(Cmd.PRESENCE.code(), ResPresence.parser()).getUsersCount());
        login(2, true);
        assertNull(nextFrame(watcher, 300), "an empty list stops the pushes");
    }

    @Test
    void presenceRequestsAreBoundedAndNeedALogin() throws Exception {
        server = ChatServer.start(data);
        ProtoClient anonymous = server.connect();
        anonymous.send(ReqPresence.newBuilder().setCmd(Cmd.PRESENCE.code()).addUIDs(2).build());
        assertEquals(ErrorCode.NOT_LOGGED_IN.code(), anonymous.receive(Cmd.PRESENCE.code(), ResPresence.parser()).getErrCode());
        ProtoClient alice = login(1, true);
        alice.send(ReqPresence.newBuilder().setCmd(Cmd.PRESENCE.code())
                .addAllUIDs(LongStream.rangeClosed(1, PresenceWatchers.MAX_WATCHED + 1).boxed().toList()).build());
        ResPresence tooMany = alice.receive(Cmd.PRESENCE.code(), ResPresence.parser());
        assertEquals(ErrorCode.REQUEST_ERR.code(), tooMany.getErrCode());
        assertTrue(tooMany.getErrStr().contains("1000"), tooMany.getErrStr());
        alice.send(ReqPresence.newBuilder().setCmd(Cmd.PRESENCE.code()).addUIDs(-5).build());
        assertEquals(ErrorCode.REQUEST_ERR.code(), alice.receive(Cmd.PRESENCE.code(), ResPresence.parser()).getErrCode());
    }

    @Test
    void theStoreKnowsWhoIsOnlineHereAndAnOrderlyStopTakesThemOffline() throws Exception {
        server = ChatServer.start(data);
        Backend backend = server.access().backend();
        login(1, false);
        login(1, true);
        Await.until("uid 1 online with 2 devices", Duration.ofSeconds(5),
                () -> backend.presence(List.of(1L)).get(0).devices() == 2);
        server.access().stop();
        Presence after = server.store().presence().read(List.of(1L)).get(0);
        assertFalse(after.online(), "offline as soon as the node stopped");
        assertTrue(after.sinceMillis() > 0);
        assertThrows(IOException.class, () -> login(5, true), "the node is stopped");
    }
}
