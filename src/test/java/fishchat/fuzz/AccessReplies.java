package fishchat.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import fishchat.protocol.Cmd;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.Base;
import fishchat.protocol.external.Error;
import fishchat.protocol.external.ReqJoinGroup;
import fishchat.protocol.external.ReqLeaveGroup;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ReqPresence;
import fishchat.protocol.external.ReqSendGroupMsg;
import fishchat.protocol.external.ReqSendP2PMsg;
import fishchat.protocol.external.ReqSyncMsg;
import fishchat.protocol.external.ResLogout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks what the fuzzed client got back against docs/PROTOCOL.md, frame by frame, using
 * protobuf-java's parsers (not the server's own Envelope) as the oracle:
 * <ul>
 *   <li>every complete frame the server read is answered by exactly one reply, in order;
 *   <li>a body that does not parse as Base, or whose cmd the access server does not serve,
 *       is answered {@code Error{cmd=90001}}; so is a request whose body the handler must
 *       parse (login and sync always, sends and group changes once logged in) when its own
 *       message type rejects it, e.g. invalid UTF-8 in a string field;
 *   <li>any other request is answered with its own reply type (same cmd) carrying a
 *       documented errCode;
 *   <li>interleaved pushes are only ResNotify (or ResMessagePush, for a login that asked for
 *       pushes), and only after a successful login (no session
 *       hears of another user's messages before it is that user), and ResPresenceChange, only
 *       after a presence request was answered (no session is pushed presence it did not ask for);
 *   <li>the server stops answering early only after a successful logout (the session ends
 *       after that reply), after the session's fifth refused login or login on a logged-in
 *       session (ended after that reply),
 *       for a header over its frame limit (one Error 90004, then close), or
 *       after refusing a request for its user's rate (90005): a user that has been over its
 *       allowance for --over-limit-grace is cut after such a reply (the fuzzer's own users, which
 *       every input shares, get there under a fast fuzzing loop).
 * </ul>
 */
final class AccessReplies {
    /** Refused logins and logins on a logged-in session a session may have before it ends (docs/PROTOCOL.md). */
    static final int MAX_LOGIN_FAULTS = 5;

    private AccessReplies() {
    }

    static void check(Exchange.Wire wire, Exchange exchange) throws InvalidProtocolBufferException {
        boolean loggedIn = false;
        boolean everLoggedIn = false;
        int answered = 0;
        boolean ended = false; // a logout was answered OK: nothing may follow
        boolean oversizeAnswered = false;
        boolean watching = false; // a presence request was answered OK
        boolean rateLimited = false; // a 90005 was answered: the session may be cut after it
        int loginFaults = 0;
        for (byte[] reply : exchange.received) {
            int cmd = Base.parseFrom(reply).getCmd();
            if (cmd == Cmd.NOTIFY.code() || cmd == Cmd.MESSAGE_PUSH.code()) {
                assertTrue(everLoggedIn, "a ResNotify or ResMessagePush reached a session that had not logged in");
                continue;
            }
            if (cmd == Cmd.PRESENCE_CHANGE.code()) {
                assertTrue(watching, "a ResPresenceChange reached a session that had not asked for presence");
                continue;
            }
            assertTrue(!ended && !oversizeAnswered, "a reply after the session's last one (cmd " + cmd + ")");
            int errCode = errCode(cmd, reply);
            assertNotNull(ErrorCode.of(errCode), "undocumented errCode " + errCode + " in a reply of cmd " + cmd);
            if (answered == wire.frames.size()) {
                assertTrue(wire.oversize && cmd == Cmd.ERROR.code() && errCode == ErrorCode.MESSAGE_TOO_LARGE.code(),
                        "a reply (cmd " + cmd + ", errCode " + errCode + ") to no request");
                oversizeAnswered = true;
                continue;
            }
            byte[] request = wire.frames.get(answered);
            assertEquals(expectedCmd(request, loggedIn), cmd,
                    "reply to request #" + answered + " (" + describe(request) + ")");
            answered++;
            if (cmd == Cmd.LOGIN.code() && (loggedIn || errCode != 0 && errCode != ErrorCode.SERVER_ERR.code())
                    && ++loginFaults == MAX_LOGIN_FAULTS) {
                ended = true;
            }
            if (cmd == Cmd.LOGIN.code() && errCode == 0) {
                loggedIn = true;
                everLoggedIn = true;
            }
            if (cmd == Cmd.LOGOUT.code() && errCode == 0) {
                ended = true;
            }

            if (cmd == Cmd.PRESENCE.code() && errCode == 0) {
                watching = true;
            }
            if (errCode == ErrorCode.RATE_LIMITED.code()) {
                rateLimited = true;
            }
        }
        if (ended || exchange.end == Exchange.End.RESET) {
            return; // a logout ends the session; a reset can only follow one or an oversize header
        }
        if (rateLimited && exchange.end == Exchange.End.CLOSED) {
            return; // perhaps cut for its user's rate, right after a refusal that said why
        }
        assertEquals(wire.frames.size(), answered, "complete frames answered");
        assertEquals(wire.oversize, oversizeAnswered, "an oversize header is answered with Error 90004");
    }

    /** Whether the session may legitimately close with client bytes still unread. */
    static boolean mayEndEarly(Exchange.Wire wire) {
        if (wire.oversize) {
            return true;
        }
        int logins = 0;
        for (byte[] frame : wire.frames) {
            try {
                int cmd = Base.parseFrom(frame).getCmd();
                if (cmd == Cmd.LOGOUT.code() || cmd == Cmd.LOGIN.code() && ++logins >= MAX_LOGIN_FAULTS) {
                    return true;
                }
            } catch (InvalidProtocolBufferException e) {
                // neither
            }
        }
        return false;
    }

    static int expectedCmd(byte[] request, boolean loggedIn) {
        int cmd;
        try {
            cmd = Base.parseFrom(request).getCmd();
        } catch (InvalidProtocolBufferException e) {
            return Cmd.ERROR.code();
        }
        Cmd known = Cmd.of(cmd);
        if (known == null || known == Cmd.REQ_ACCESS_SERVER || known == Cmd.NOTIFY || known == Cmd.KICK
                || known == Cmd.PRESENCE_CHANGE || known == Cmd.MESSAGE_PUSH || known == Cmd.ERROR) {
            return Cmd.ERROR.code(); // not served by an access server
        }
        Parser<?> parsedBy = switch (known) {
            case LOGIN -> ReqLogin.parser();
            case SYNC_MSG -> ReqSyncMsg.parser();
            case SEND_P2P_MSG -> loggedIn ? ReqSendP2PMsg.parser() : null;
            case SEND_GROUP_MSG -> loggedIn ? ReqSendGroupMsg.parser() : null;
            case JOIN_GROUP -> loggedIn ? ReqJoinGroup.parser() : null;
            case LEAVE_GROUP -> loggedIn ? ReqLeaveGroup.parser() : null;
            case PRESENCE -> ReqPresence.parser(); // no strings: only a malformed packed list fails it
            default -> null; // ping, ack, logout: answered without reading the body
        };
        if (parsedBy != null) {
            try {
                parsedBy.parseFrom(request);
            } catch (InvalidProtocolBufferException e) {
                return Cmd.ERROR.code();
            }
        }
        return cmd;
    }

    /** errCode is field 2 in ResPing and Error, field 3 in every other reply. */
    private static int errCode(int cmd, byte[] reply) throws InvalidProtocolBufferException {
        if (cmd == Cmd.PING.code() || cmd == Cmd.ERROR.code()) {
            return Error.parseFrom(reply).getErrCode();
        }
        return ResLogout.parseFrom(reply).getErrCode();
    }

    private static String describe(byte[] request) {
        return request.length + " bytes: " + java.util.HexFormat.of().formatHex(request, 0, Math.min(request.length, 48));
    }
}
