package fishchat.access;

import com.google.protobuf.MessageLite;
import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.LegacyMd5Tokens;
import fishchat.libnet.Frame;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Error;
import fishchat.protocol.external.ReqAcceptP2PMsgAck;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqLogout;
import fishchat.protocol.external.ReqPing;
import fishchat.protocol.external.ReqSendGroupMsg;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResKick;
import fishchat.protocol.external.ResLogin;
import fishchat.protocol.external.ResLogout;
import fishchat.protocol.external.ResMessagePush;
import fishchat.protocol.external.ResNotify;
import fishchat.protocol.external.ResPing;
import fishchat.protocol.external.ResSendP2PMsg;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.protocol.external.offsetMsg;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access server end to end, over real sockets, with a real SQLite store. */
class AccessServerTest {
    @TempDir
    Path data;

    private ChatServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private ChatServer start() throws IOException {
        server = ChatServer.start(data);
        return server;
    }

    private static ResSendP2PMsg sendP2P(ProtoClient client, long source, long target, String msgId, String text)
            throws IOException {
        client.send(ReqSendP2PMsg.newBuilder().setCmd(Cmd.SEND_P2P_MSG.code())
                .setSourceUID(source).setTargetUID(target).setMsgID(msgId).setMsg(text).build());
        return client.receiveSkipping(Cmd.SEND_P2P_MSG.code(), ResSendP2PMsg.parser());
    }

    private static ResSyncMsg sync(ProtoClient client, long currentId) throws IOException {
        client.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(currentId).build());
        return client.receiveSkipping(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
    }

    private static int status(ProtoClient client, MessageLite request, int cmd) throws IOException {
        client.send(request);
        return client.receiveSkipping(cmd, ResLogout.parser()).getErrCode();
    }

    // ---- login ----

    @Test
    void aLoginOnAConnectionRefusedForRateSaysWhenToComeBack() throws Exception {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access")
                .withNewConnectionsPerIpPerSecond(1), AccessOptions.defaults(), null);
        InetSocketAddress from = new InetSocketAddress("127.0.0.2", 0);
        fishchat.client.ChatException refused = null;
        for (int i = 0; i < 5 && refused == null; i++) {
            try (fishchat.client.ChatClient client = fishchat.client.ChatClient.connect(server.access().address(), from,
                    m -> { })) {
                Thread.sleep(50); // the refusal arrives before the login is sent: it must not be lost
                client.login(1, server.token(1), 0);
            } catch (fishchat.client.ChatException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "the second connection within a second is refused");
        assertEquals(ErrorCode.RATE_LIMITED, refused.code());
        assertTrue(refused.retryAfter().toMillis() >= 1 && refused.retryAfter().toMillis() <= 1001, refused.getMessage());
    }

    @Test
    void loginWithAGoodTokenReportsTheNewestSeq() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        sendP2P(alice, 1, 2, "", "one");
        sendP2P(alice, 1, 2, "", "two");
        ProtoClient bob = server.connect();
        ResLogin res = server.login(bob, 2);
        assertEquals(0, res.getErrCode());
        assertEquals(2, res.getCurrentID(), "bob has two messages waiting");
    }

    @Test
    void loginRefusesMissingWrongExpiredAndForeignTokens() throws IOException {
        start();
        ProtoClient client = server.connect();
        assertEquals(ErrorCode.NO_TOKEN.code(), loginWith(client, 5, ""));
        assertEquals(ErrorCode.BAD_TOKEN.code(), loginWith(client, 5, "5.99999999999.forged"));
        assertEquals(ErrorCode.BAD_TOKEN.code(), loginWith(client, 5, server.token(6)), "another user's token");
        HmacTokens past = new HmacTokens(ChatServer.SECRET, Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC));
        assertEquals(ErrorCode.TOKEN_EXPIRED.code(), loginWith(client, 5, past.mint(5, Duration.ofDays(1))));
        assertEquals(ErrorCode.NOT_LOGGED_IN.code(),
                status(client, ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).build(), Cmd.SYNC_MSG.code()),
                "refused logins leave the session logged out");
        assertEquals(0, loginWith(client, 5, server.token(5)), "the session is still usable");
    }

    @Test
    void aConnectionEndsAfterItsFifthRefusedLogin() throws IOException {
        start();
        ProtoClient client = server.connect();
        for (int i = 1; i <= Logins.MAX_LOGIN_FAULTS; i++) {
            assertEquals(ErrorCode.BAD_TOKEN.code(), loginWith(client, 5, "5.99999999999.forged"), "refusal " + i + " is answered");
        }
        assertNull(client.frames().receive(), "then the server closes the connection");

        ProtoClient again = server.connect();
        for (int i = 0; i <= Logins.MAX_LOGIN_FAULTS; i++) {
            assertEquals(0, loginWith(again, 5, server.token(5)), "login " + i + " is answered");
        }
        assertNull(again.frames().receive(), "five logins after the first end the session too");
    }

    private static int loginWith(ProtoClient client, long uid, String token) throws IOException {
        client.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(token).build());
        return client.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode();
    }

    @Test
    void legacyMd5LoginAsFishChatServer2ClientsDoIt() throws IOException {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                AccessOptions.defaults(), new LegacyMd5Tokens(LegacyMd5Tokens.DEFAULT_SALT));
        ProtoClient client = server.connect();
        assertEquals(ErrorCode.BAD_TOKEN.code(), loginWith(client, 42, "0123"));
        assertEquals(0, loginWith(client, 42, "298f24f5e1c21a313e5ee21d2e862500"));
    }

    // ---- the rules before login ----

    @Test
    void everyCommandButLoginAndPingNeedsALogin() throws IOException {
        start();
        ProtoClient client = server.connect();
        List<MessageLite> requests = List.of(
                ReqSendP2PMsg.newBuilder().setCmd(Cmd.SEND_P2P_MSG.code()).setTargetUID(2).setMsg("x").build(),
                ReqAcceptP2PMsgAck.newBuilder().setCmd(Cmd.ACCEPT_P2P_MSG_ACK.code()).build(),
                ReqSendGroupMsg.newBuilder().setCmd(Cmd.SEND_GROUP_MSG.code()).setGroupID(1).setMsg("x").build(),
                ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).build(),
                ReqLogout.newBuilder().setCmd(Cmd.LOGOUT.code()).build(),
                ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setGroupID(1).build(),
                ReqLeaveGroup.newBuilder().setCmd(Cmd.LEAVE_GROUP.code()).setGroupID(1).build());
        for (MessageLite request : requests) {
            int cmd = ProtoClient.cmdOf(request.toByteArray());
            client.send(request);
            ResLogout reply = client.receive(cmd, ResLogout.parser());
            assertEquals(ErrorCode.NOT_LOGGED_IN.code(), reply.getErrCode(), "cmd " + cmd);
        }
        client.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
        assertEquals(0, client.receive(Cmd.PING.code(), ResPing.parser()).getErrCode(), "ping works logged out");
        assertEquals(0, server.login(client, 3).getErrCode(), "and the session can still log in");
    }

    @Test
    void malformedBodiesAndUnknownCommandsKeepTheSession() throws IOException {
        start();
        ProtoClient client = server.login(1);
        client.frames().send(new byte[] {(byte) 0xff, 0x01});
        assertEquals(ErrorCode.SERVER_ERR.code(), client.receive(Cmd.ERROR.code(), Error.parser()).getErrCode());
        client.frames().send(new byte[] {0x08, (byte) 0xb9, 0x60}); // cmd 12345
        assertEquals(ErrorCode.REQUEST_ERR.code(), client.receive(Cmd.ERROR.code(), Error.parser()).getErrCode());
        // A known cmd (20003) whose message is cut inside a string field.
        client.frames().send(new byte[] {0x08, (byte) 0xa3, (byte) 0x9c, 0x01, 0x32, 0x05, 'a'});
        assertEquals(ErrorCode.SERVER_ERR.code(), client.receive(Cmd.ERROR.code(), Error.parser()).getErrCode());
        assertEquals(0, sendP2P(client, 0, 2, "", "still here").getErrCode());
    }

    // ---- delivery ----

    @Test
    void onlineRecipientIsNotifiedAndSyncsTheMessage() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        ProtoClient bob = server.login(2);
        ResSendP2PMsg ack = sendP2P(alice, 1, 2, "m-1", "hello bob");
        assertEquals(0, ack.getErrCode());
        assertEquals(1, ack.getSourceUID());
        assertEquals(2, ack.getTargetUID());
        assertEquals("m-1", ack.getMsgID());
        ResNotify notify = bob.receive(Cmd.NOTIFY.code(), ResNotify.parser());
        assertEquals(1, notify.getCurrentID());
        ResSyncMsg page = sync(bob, 0);
        assertEquals(1, page.getMsgsCount());
        offsetMsg m = page.getMsgs(0);
        assertEquals(1, m.getSourceUID());
        assertEquals(2, m.getTargetUID());
        assertEquals(0, m.getGroupID());
        assertEquals("p2p", m.getMsgType());
        assertEquals("m-1", m.getMsgID());
        assertEquals("hello bob", m.getMsg());
        assertEquals(1, m.getSeq());
        assertTrue(Math.abs(System.currentTimeMillis() - m.getSentAtMillis()) < 60_000);
        assertEquals(1, page.getCurrentID(), "currentID is the seq of the last message in the reply");
        assertTrue(!page.getMore());
        ResSyncMsg nothingNew = sync(bob, 1);
        assertEquals(0, nothingNew.getMsgsCount());
        assertEquals(1, nothingNew.getCurrentID(), "the request's currentID when nothing is newer");
    }

    @Test
    void aSessionThatAskedForPushesGetsTheMessageItselfAndTheOthersANotify() throws IOException {
        start();
        ProtoClient phone = server.connect();
        phone.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(2).setToken(server.token(2))
                .setPushMessages(true).build());
        assertEquals(0, phone.receive(Cmd.LOGIN.code(), ResLogin.parser()).getErrCode());
        ProtoClient legacy = server.login(2);
        ProtoClient alice = server.login(1);
        for (int i = 1; i <= 3; i++) {
            assertEquals(0, sendP2P(alice, 1, 2, "m-" + i, "pushed " + i).getErrCode());
            ResMessagePush push = phone.receive(Cmd.MESSAGE_PUSH.code(), ResMessagePush.parser());
            assertEquals(1, push.getMsgsCount());
            assertEquals(i, push.getCurrentID());
            offsetMsg m = push.getMsgs(0);
            assertEquals(i, m.getSeq());
            assertEquals("pushed " + i, m.getMsg());
            assertEquals("m-" + i, m.getMsgID());
            assertEquals(1, m.getSourceUID());
            assertEquals(2, m.getTargetUID());
            assertEquals(m, sync(phone, i - 1).getMsgs(0), "the push is what a sync returns");
            assertEquals(i, legacy.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID());
        }
        assertEquals(List.of("pushed 1", "pushed 2", "pushed 3"),
                sync(legacy, 0).getMsgsList().stream().map(offsetMsg::getMsg).toList());

        // Its own copy of what it sends is not shown to it (it did not ask for own copies), but
        // its seq is pushed, so that the next push follows without a hole.
        assertEquals(0, sendP2P(phone, 2, 1, "r-1", "reply").getErrCode());
        ResMessagePush passOver = phone.receive(Cmd.MESSAGE_PUSH.code(), ResMessagePush.parser());
        assertEquals(0, passOver.getMsgsCount());
        assertEquals(4, passOver.getCurrentID());
        assertNoFrameWithin(legacy, Duration.ofMillis(300)); // a notify-only session is not told of it
        assertEquals(0, sendP2P(alice, 1, 2, "m-5", "after the reply").getErrCode());
        assertEquals(5, phone.receive(Cmd.MESSAGE_PUSH.code(), ResMessagePush.parser()).getMsgs(0).getSeq());
    }

    @Test
    void offlineRecipientGetsItAfterLoggingIn() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, sendP2P(alice, 1, 2, "", "while you were away " + i).getErrCode());
        }
        ProtoClient bob = server.connect();
        ResLogin login = server.login(bob, 2);
        assertEquals(3, login.getCurrentID());
        ResSyncMsg page = sync(bob, 0);
        assertEquals(List.of("while you were away 0", "while you were away 1", "while you were away 2"),
                page.getMsgsList().stream().map(offsetMsg::getMsg).toList());
        assertNoFrameWithin(bob, Duration.ofMillis(300)); // no notify was pushed at login
    }

    @Test
    void everySessionOfAUserIsNotified() throws IOException {
        start();
        ProtoClient phone = server.login(2);
        ProtoClient laptop = server.login(2);
        ProtoClient alice = server.login(1);
        sendP2P(alice, 1, 2, "", "to both devices");
        assertEquals(1, phone.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID());
        assertEquals(1, laptop.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID());
        assertEquals("to both devices", sync(phone, 0).getMsgs(0).getMsg());
        assertEquals("to both devices", sync(laptop, 0).getMsgs(0).getMsg());
    }

    @Test
    void groupMessagesFanOutToMembersOnly() throws IOException {
        start();
        ProtoClient a = server.login(1);
        ProtoClient b = server.login(2);
        ProtoClient outsider = server.login(3);
        long group = 77;
        assertEquals(0, status(a, ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setGroupID(group).build(), Cmd.JOIN_GROUP.code()));
        assertEquals(0, status(b, ReqJoinGroup.newBuilder().setCmd(Cmd.JOIN_GROUP.code()).setUID(2).setGroupID(group).build(), Cmd.JOIN_GROUP.code()));
        assertEquals(ErrorCode.REQUEST_ERR.code(), status(outsider, ReqSendGroupMsg.newBuilder()
                .setCmd(Cmd.SEND_GROUP_MSG.code()).setGroupID(group).setMsg("let me in").build(), Cmd.SEND_GROUP_MSG.code()),
                "a non-member may not send");
        assertEquals(0, status(a, ReqSendGroupMsg.newBuilder()
                .setCmd(Cmd.SEND_GROUP_MSG.code()).setSourceUID(1).setGroupID(group).setMsg("hi all").build(), Cmd.SEND_GROUP_MSG.code()));
        offsetMsg atB = sync(b, 0).getMsgs(0);
        assertEquals("hi all", atB.getMsg());
        assertEquals("group", atB.getMsgType());
        assertEquals(group, atB.getGroupID());
        assertEquals(1, atB.getSourceUID());
        assertEquals(2, atB.getTargetUID());
        assertEquals(1, sync(a, 0).getMsgsCount(), "the sender's other devices see it too");
        assertEquals(0, sync(outsider, 0).getMsgsCount());
        assertEquals(0, status(b, ReqLeaveGroup.newBuilder().setCmd(Cmd.LEAVE_GROUP.code()).setGroupID(group).build(), Cmd.LEAVE_GROUP.code()));
        status(a, ReqSendGroupMsg.newBuilder().setCmd(Cmd.SEND_GROUP_MSG.code()).setGroupID(group).setMsg("bye").build(), Cmd.SEND_GROUP_MSG.code());
        assertEquals(0, sync(b, 1).getMsgsCount(), "left members get nothing new");
    }

    @Test
    void resendIsDeduplicatedButEmptyMsgIdsAreNot() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        ProtoClient bob = server.login(2);
        assertEquals(0, sendP2P(alice, 1, 2, "same", "once").getErrCode());
        assertEquals(1, bob.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID());
        ResSendP2PMsg again = sendP2P(alice, 1, 2, "same", "once");
        assertEquals(0, again.getErrCode(), "answered as the first send was");
        assertEquals("same", again.getMsgID());
        assertNoFrameWithin(bob, Duration.ofMillis(300)); // not notified again
        sendP2P(alice, 1, 2, "", "empty id");
        sendP2P(alice, 1, 2, "", "empty id");
        ResSyncMsg page = sync(bob, 0);
        assertEquals(List.of("once", "empty id", "empty id"), page.getMsgsList().stream().map(offsetMsg::getMsg).toList());
    }

    @Test
    void largeBacklogSyncsOverSeveralFramesWithoutGapsOrRepeats() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        String text = "y".repeat(4000);
        int count = 60; // ~240 KB: at least four frames
        for (int i = 0; i < count; i++) {
            assertEquals(0, sendP2P(alice, 1, 2, "", i + ":" + text).getErrCode());
        }
        ProtoClient bob = server.login(2);
        long current = 0;
        int frames = 0;
        List<Long> seqs = new ArrayList<>();
        ResSyncMsg page;
        do {
            page = sync(bob, current);
            frames++;
            assertTrue(page.getSerializedSize() <= Frame.MAX_BODY);
            for (offsetMsg m : page.getMsgsList()) {
                seqs.add(m.getSeq());
                assertTrue(m.getMsg().startsWith((m.getSeq() - 1) + ":"));
            }
            current = page.getCurrentID();
        } while (page.getMore());
        assertTrue(frames >= 4, "frames: " + frames);
        assertEquals(count, seqs.size());
        for (int i = 0; i < count; i++) {
            assertEquals(i + 1, seqs.get(i));
        }
    }

    @Test
    void oversizeMessageIsRefusedAndNotStored() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        ResSendP2PMsg res = sendP2P(alice, 1, 2, "", "z".repeat(AccessOptions.DEFAULT_MAX_MESSAGE_BYTES + 1));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE.code(), res.getErrCode());
        assertEquals(0, sendP2P(alice, 1, 2, "", "z".repeat(AccessOptions.DEFAULT_MAX_MESSAGE_BYTES)).getErrCode());
        // Multi-byte text counts in UTF-8 bytes: 1366 × 3 bytes > 4096.
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE.code(), sendP2P(alice, 1, 2, "", "中".repeat(1366)).getErrCode());
        ProtoClient bob = server.login(2);
        assertEquals(1, sync(bob, 0).getMsgsCount());
    }

    @Test
    void aNulCharacterIsARequestErrorOnEveryStore() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        assertEquals(ErrorCode.REQUEST_ERR.code(), sendP2P(alice, 1, 2, "", "a\0b").getErrCode());
        assertEquals(ErrorCode.REQUEST_ERR.code(), sendP2P(alice, 1, 2, "id\0", "ab").getErrCode());
        assertEquals(0, sendP2P(alice, 1, 2, "", "ab").getErrCode());
        ProtoClient bob = server.login(2);
        assertEquals(List.of("ab"), sync(bob, 0).getMsgsList().stream().map(offsetMsg::getMsg).toList());
    }

    @Test
    void overlongMsgIdIsRefusedSoNoEntryCanOutgrowASyncReply() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        assertEquals(ErrorCode.REQUEST_ERR.code(), sendP2P(alice, 1, 2, "k".repeat(60_000), "x".repeat(4000)).getErrCode());
        assertEquals(0, sendP2P(alice, 1, 2, "k".repeat(128), "fits").getErrCode());
        ProtoClient bob = server.login(2);
        assertEquals(List.of("fits"), sync(bob, 0).getMsgsList().stream().map(offsetMsg::getMsg).toList());
    }

    @Test
    void failedSyncKeepsTheClientsPosition() throws IOException {
        start();
        ProtoClient client = server.connect();
        client.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(41).build());
        ResSyncMsg notLoggedIn = client.receive(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
        assertEquals(ErrorCode.NOT_LOGGED_IN.code(), notLoggedIn.getErrCode());
        assertEquals(41, notLoggedIn.getCurrentID(), "FishChatServer2 clients take their next position from it");
        server.login(client, 3);
        server.store().close();
        client.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(17).build());
        ResSyncMsg storeDown = client.receive(Cmd.SYNC_MSG.code(), ResSyncMsg.parser());
        assertEquals(ErrorCode.SERVER_ERR.code(), storeDown.getErrCode());
        assertEquals(17, storeDown.getCurrentID());
    }

    @Test
    void senderIsTheSessionUidNeverTheRequestField() throws IOException {
        start();
        ProtoClient mallory = server.login(3);
        ResSendP2PMsg res = sendP2P(mallory, 1, 2, "", "I am alice");
        assertEquals(ErrorCode.UID_MISMATCH.code(), res.getErrCode());
        assertEquals(0, sendP2P(mallory, 0, 2, "", "from whoever I am").getErrCode(), "0 means: the session's uid");
        assertEquals(ErrorCode.UID_MISMATCH.code(), status(mallory,
                ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setUID(2).build(), Cmd.SYNC_MSG.code()),
                "nobody reads another user's inbox");
        ProtoClient bob = server.login(2);
        ResSyncMsg page = sync(bob, 0);
        assertEquals(1, page.getMsgsCount());
        assertEquals(3, page.getMsgs(0).getSourceUID());
    }

    @Test
    void sendsOverTheRateLimitAreRefusedUnstoredAndAPersistentSenderIsCut() throws Exception {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                AccessOptions.defaults().withRates(1, 1 << 20, Duration.ofMillis(500)), null);
        ProtoClient spammer = server.login(1);
        int accepted = 0;
        int limited = 0;
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            int code = sendP2P(spammer, 1, 2, "", "spam " + i).getErrCode();
            if (code == 0) {
                accepted++;
            } else {
                assertEquals(ErrorCode.RATE_LIMITED.code(), code);
                limited++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // A burst of twice the rate (2), then one a second: however slow this machine is.
        assertTrue(accepted >= 2 && accepted <= 2 + Math.ceil(seconds) + 1, accepted + " in " + seconds + " s");
        assertTrue(limited > 0);
        ProtoClient bob = server.login(2);
        assertEquals(accepted, sync(bob, 0).getMsgsCount(), "refused sends are not stored");
        // Keep hammering: refused for longer than the grace, the session is cut.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean cut = false;
        while (!cut && System.nanoTime() < deadline) {
            try {
                spammer.send(ReqSendP2PMsg.newBuilder().setCmd(Cmd.SEND_P2P_MSG.code()).setTargetUID(2).setMsg("x").build());
                cut = spammer.frames().receive() == null;
            } catch (IOException closed) {
                cut = true;
            }
        }
        assertTrue(cut, "cut after staying over the limit");
    }

    @Test
    void aLoginOverTheDeviceLimitReplacesTheOldestSession() throws IOException {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                AccessOptions.defaults().withMaxSessionsPerUser(2), null);
        ProtoClient first = server.login(7);
        ProtoClient second = server.login(7);
        ProtoClient third = server.login(7);
        ResKick kick = first.receive(Cmd.KICK.code(), ResKick.parser());
        assertEquals(ErrorCode.SESSION_REPLACED.code(), kick.getErrCode());
        assertTrue(kick.getReason().contains("2 devices"), kick.getReason());
        assertNull(first.frames().receive(), "then closed");
        assertEquals(2, server.access().online().sessions(7).size());
        ProtoClient alice = server.login(1);
        sendP2P(alice, 1, 7, "", "to the two left");
        assertEquals(1, second.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID());
        assertEquals(1, third.receive(Cmd.NOTIFY.code(), ResNotify.parser()).getCurrentID());
    }

    @Test
    void logoutAnswersThenCloses() throws IOException {
        start();
        ProtoClient client = server.login(1);
        client.send(ReqLogout.newBuilder().setCmd(Cmd.LOGOUT.code()).setUID(1).build());
        assertEquals(0, client.receive(Cmd.LOGOUT.code(), ResLogout.parser()).getErrCode());
        assertNull(client.frames().receive());
        Await.until("user offline", Duration.ofSeconds(5), () -> server.access().online().sessions(1).isEmpty());
    }

    @Test
    void acceptAckIsAnswered() throws IOException {
        start();
        ProtoClient client = server.login(1);
        assertEquals(0, status(client, ReqAcceptP2PMsgAck.newBuilder().setCmd(Cmd.ACCEPT_P2P_MSG_ACK.code())
                .setSourceUID(2).setTargetUID(1).setMsgID("x").build(), Cmd.ACCEPT_P2P_MSG_ACK.code()));
    }

    @Test
    void clientThatStopsReadingIsCutAndLosesNothing() throws Exception {
        server = ChatServer.start(data, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access")
                .withWriteTimeout(Duration.ofMillis(500)), AccessOptions.defaults(), null);
        ProtoClient alice = server.login(1);
        String text = "s".repeat(4000);
        for (int i = 0; i < 40; i++) {
            sendP2P(alice, 1, 2, "", i + ":" + text);
        }
        ProtoClient slow = server.login(2);
        // Ask for ~60 KB sync replies and never read them: the socket buffers fill up.
        for (int i = 0; i < 400; i++) {
            try {
                slow.send(ReqSyncMsg.newBuilder().setCmd(Cmd.SYNC_MSG.code()).setCurrentID(0).build());
            } catch (IOException cut) {
                break;
            }
        }
        Await.until("slow session cut", Duration.ofSeconds(20),
                () -> server.access().online().sessions(2).isEmpty());
        for (int i = 40; i < 45; i++) {
            assertEquals(0, sendP2P(alice, 1, 2, "", i + ":" + text).getErrCode(), "sending to a cut user still works");
        }
        ProtoClient again = server.login(2);
        long current = 0;
        int received = 0;
        ResSyncMsg page;
        do {
            page = sync(again, current);
            received += page.getMsgsCount();
            current = page.getCurrentID();
        } while (page.getMore());
        assertEquals(45, received, "every message is there after reconnecting");
    }

    @Test
    void storeFailureAnswers90001AndKeepsTheSession() throws IOException {
        start();
        ProtoClient alice = server.login(1);
        server.store().close(); // as if the disk had gone away
        long start = System.nanoTime();
        assertEquals(ErrorCode.SERVER_ERR.code(), sendP2P(alice, 1, 2, "", "lost?").getErrCode());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
        alice.send(ReqPing.newBuilder().setCmd(Cmd.PING.code()).build());
        assertEquals(0, alice.receive(Cmd.PING.code(), ResPing.parser()).getErrCode(), "session still open");
    }

    private static void assertNoFrameWithin(ProtoClient client, Duration wait) throws IOException {
        client.frames().setReceiveTimeout(wait);
        try {
            assertThrows(SocketTimeoutException.class, () -> client.frames().receive());
        } finally {
            client.frames().setReceiveTimeout(Duration.ofSeconds(10));
        }
    }
}
