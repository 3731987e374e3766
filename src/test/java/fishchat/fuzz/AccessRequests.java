package fishchat.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.google.protobuf.CodedOutputStream;
import fishchat.chat.auth.HmacTokens;
import fishchat.protocol.Cmd;
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
import fishchat.testing.ChatServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Turns fuzzer bytes into access-server request bodies: mostly well-formed requests of every
 * command with fields drawn from the values that matter (the fuzz users' own uids, the
 * bystander's uid and group, zero, negatives, any long; valid, foreign, expired and forged
 * tokens), and also any cmd with arbitrary bytes after it, a valid request with garbage
 * appended, and raw bytes. Structure gets the fuzzer past the parsers quickly; the raw forms
 * keep the parsers themselves under test.
 */
final class AccessRequests {
    /** Users the fuzzed client can log in as (valid tokens are minted for them only). */
    static final long[] FUZZ_UIDS = {1001, 1002};
    static final long BYSTANDER = 7;
    static final long BYSTANDER_GROUP = 42;

    private static final int[] CMDS = {
        Cmd.LOGIN.code(), Cmd.PING.code(), Cmd.SEND_P2P_MSG.code(), Cmd.ACCEPT_P2P_MSG_ACK.code(),
        Cmd.SEND_GROUP_MSG.code(), Cmd.SYNC_MSG.code(), Cmd.NOTIFY.code(), Cmd.LOGOUT.code(),
        Cmd.JOIN_GROUP.code(), Cmd.LEAVE_GROUP.code(), Cmd.KICK.code(), Cmd.PRESENCE.code(),
        Cmd.PRESENCE_CHANGE.code(), Cmd.MESSAGE_PUSH.code(), Cmd.ERROR.code(), Cmd.REQ_ACCESS_SERVER.code(), 0, 20000,
        20015
    };

    private final HmacTokens tokens = new HmacTokens(ChatServer.SECRET, Clock.systemUTC());
    private final HmacTokens lastWeek = new HmacTokens(ChatServer.SECRET,
            Clock.fixed(Instant.now().minus(Duration.ofDays(7)), ZoneOffset.UTC));
    private final String[] validTokens = new String[FUZZ_UIDS.length];

    AccessRequests() {
        for (int i = 0; i < FUZZ_UIDS.length; i++) {
            validTokens[i] = tokens.mint(FUZZ_UIDS[i], Duration.ofDays(30)); // minted once: a mint per input costs an HMAC
        }
    }

    byte[] next(FuzzedDataProvider data) {
        int cmd = data.pickValue(CMDS);
        return switch (data.consumeInt(0, 15)) {
            case 0, 1, 2 -> login(data);
            case 3 -> ReqPing.newBuilder().setCmd(cmd(data, Cmd.PING)).setUID(uid(data)).build().toByteArray();
            case 4, 5 -> ReqSendP2PMsg.newBuilder().setCmd(cmd(data, Cmd.SEND_P2P_MSG)).setSourceUID(uid(data))
                    .setTargetUID(uid(data)).setMsgID(text(data, 8)).setMsg(text(data, 64)).build().toByteArray();
            case 6 -> ReqSendGroupMsg.newBuilder().setCmd(cmd(data, Cmd.SEND_GROUP_MSG)).setSourceUID(uid(data))
                    .setGroupID(group(data)).setMsgID(text(data, 8)).setMsg(text(data, 64)).build().toByteArray();
            case 7 -> ReqSyncMsg.newBuilder().setCmd(cmd(data, Cmd.SYNC_MSG)).setUID(uid(data))
                    .setCurrentID(data.consumeBoolean() ? data.consumeLong() : data.consumeLong(0, 50)).build().toByteArray();
            case 8 -> ReqJoinGroup.newBuilder().setCmd(cmd(data, Cmd.JOIN_GROUP)).setUID(uid(data))
                    .setGroupID(group(data)).build().toByteArray();
            case 9 -> ReqLeaveGroup.newBuilder().setCmd(cmd(data, Cmd.LEAVE_GROUP)).setUID(uid(data))
                    .setGroupID(group(data)).build().toByteArray();
            case 10 -> ReqLogout.newBuilder().setCmd(cmd(data, Cmd.LOGOUT)).setUID(uid(data)).build().toByteArray();
            case 11 -> ReqAcceptP2PMsgAck.newBuilder().setCmd(cmd(data, Cmd.ACCEPT_P2P_MSG_ACK))
                    .setSourceUID(uid(data)).setTargetUID(uid(data)).setMsgID(text(data, 8)).build().toByteArray();
            case 12 -> presence(data);
            case 13 -> concat(cmdField(cmd), data.consumeBytes(data.consumeInt(0, 48)));
            case 14 -> concat(next(data), data.consumeBytes(data.consumeInt(0, 16)));
            default -> data.consumeBytes(data.consumeInt(0, 64));
        };
    }

    /** A presence request: a few uids that matter (the bystander among them), or sometimes over the limit of 1000. */
    private byte[] presence(FuzzedDataProvider data) {
        ReqPresence.Builder request = ReqPresence.newBuilder().setCmd(cmd(data, Cmd.PRESENCE));
        int count = data.consumeInt(0, 15) == 0 ? 1001 : data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            request.addUIDs(i < 5 ? uid(data) : 2000 + i);
        }
        return request.build().toByteArray();
    }

    private byte[] login(FuzzedDataProvider data) {
        int who = data.consumeInt(0, FUZZ_UIDS.length - 1);
        long uid = data.consumeBoolean() ? FUZZ_UIDS[who] : uid(data);
        String token = switch (data.consumeInt(0, 5)) {
            case 0, 1 -> validTokens[who];
            case 2 -> lastWeek.mint(uid, Duration.ofDays(1)); // expired
            case 3 -> data.consumeLong() + "." + data.consumeLong() + "." + text(data, 44); // the token's shape, forged
            case 4 -> "";
            default -> text(data, 80);
        };
        return ReqLogin.newBuilder().setCmd(cmd(data, Cmd.LOGIN)).setUID(uid).setToken(token).build().toByteArray();
    }

    /** Mostly the request's own cmd; sometimes another, so that a body meets the wrong parser. */
    private int cmd(FuzzedDataProvider data, Cmd own) {
        return data.consumeInt(0, 7) == 0 ? data.pickValue(CMDS) : own.code();
    }

    private static long uid(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> 0;
            case 1 -> BYSTANDER;
            case 2 -> FUZZ_UIDS[0];
            case 3 -> FUZZ_UIDS[1];
            case 4 -> data.consumeLong(-2, 1100);
            default -> data.consumeLong();
        };
    }

    private static long group(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0, 1 -> BYSTANDER_GROUP;
            case 2 -> data.consumeLong(-1, 50);
            default -> data.consumeLong();
        };
    }

    /** Short text, or now and then one over the server's message limit. */
    private static String text(FuzzedDataProvider data, int usual) {
        return data.consumeString(data.consumeInt(0, 15) == 0 ? 1200 : usual);
    }

    private static byte[] cmdField(int cmd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        try {
            coded.writeUInt32(1, cmd);
            coded.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
