package fishchat.protocol;

/** Command numbers of the wire protocol (docs/PROTOCOL.md): FishChatServer2's, plus additions. */
public enum Cmd {
    REQ_ACCESS_SERVER(10001),
    LOGIN(20001),
    PING(20002),
    SEND_P2P_MSG(20003),
    ACCEPT_P2P_MSG_ACK(20004),
    SEND_GROUP_MSG(20005),
    SYNC_MSG(20006),
    NOTIFY(20007),
    LOGOUT(20008),
    JOIN_GROUP(20009),
    LEAVE_GROUP(20010),
    KICK(20011),
    /** fishchat: presence of some users now, and pushes of their changes to this session (opt-in). */
    PRESENCE(20012),
    /** fishchat: pushed to a session that sent {@link #PRESENCE}, never to another. */
    PRESENCE_CHANGE(20013),
    /** fishchat: new messages pushed to a session that asked for them at login, never to another. */
    MESSAGE_PUSH(20014),
    ERROR(90001);

    private final int code;

    Cmd(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    private static final Cmd[] ACCESS = new Cmd[15]; // 20000..20014, looked up on every frame
    private static final Cmd[] ALL = values();

    static {
        for (Cmd cmd : ALL) {
            if (cmd.code >= 20000 && cmd.code < 20000 + ACCESS.length) {
                ACCESS[cmd.code - 20000] = cmd;
            }
        }
    }

    /** The command with this number, or null for an unknown one. */
    public static Cmd of(int code) {
        if (code >= 20000 && code < 20000 + ACCESS.length) {
            return ACCESS[code - 20000];
        }
        for (Cmd cmd : ALL) {
            if (cmd.code == code) {
                return cmd;
            }
        }
        return null;
    }
}
