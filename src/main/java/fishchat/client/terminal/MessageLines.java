package fishchat.client.terminal;

import fishchat.protocol.external.offsetMsg;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How a message looks on the terminal, seen by user {@code me}:
 * {@code [from 5 #12 2026-05-01 10:02] hello}, {@code [group 7 from 5 #13 …]},
 * {@code [you → 5 #14 …]} (what you sent from another device), {@code [system #15 …]}.
 */
final class MessageLines {
    private final long me;
    private final DateTimeFormatter time;

    MessageLines(long me, ZoneId zone) {
        this.me = me;
        this.time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone);
    }

    Conversation conversationOf(offsetMsg m) {
        if (m.getSourceUID() == 0) {
            return Conversation.system();
        }
        if (m.getGroupID() != 0) {
            return Conversation.group(m.getGroupID());
        }
        // A one-to-one message from yourself is a copy of what you sent from another device:
        // it belongs to the conversation with whom you sent it to.
        return Conversation.user(m.getSourceUID() == me ? m.getTargetUID() : m.getSourceUID());
    }

    /** Who it is from, as in the summary of new messages: "from 5", "in group 7". */
    String origin(offsetMsg m) {
        if (m.getSourceUID() == 0) {
            return "from the system";
        }
        if (m.getGroupID() != 0) {
            return "in group " + m.getGroupID();
        }
        return m.getSourceUID() == me ? "sent by you to " + m.getTargetUID() : "from " + m.getSourceUID();
    }

    String format(offsetMsg m) {
        String who;
        if (m.getSourceUID() == 0) {
            who = "system";
        } else if (m.getGroupID() != 0) {
            who = "group " + m.getGroupID() + " from " + (m.getSourceUID() == me ? "you" : String.valueOf(m.getSourceUID()));
        } else if (m.getSourceUID() == me) {
            who = "you → " + m.getTargetUID();
        } else {
            who = "from " + m.getSourceUID();
        }
        return "[" + who + " #" + m.getSeq() + " " + time.format(Instant.ofEpochMilli(m.getSentAtMillis())) + "] "
                + printable(m.getMsg());
    }

    /**
     * Another user's text must not drive this terminal: escape sequences could move the
     * cursor, retitle the window or fake a line from the system. Control characters other
     * than newline and tab are shown as U+FFFD.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) && c != '\n' && c != '\t';
            if (unsafe && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(unsafe ? '\uFFFD' : c);
            }
        }
        return out == null ? text : out.toString();
    }
}
