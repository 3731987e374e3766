package fishchat.client.terminal;

import fishchat.protocol.external.offsetMsg;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the start of a chat shows, and how each kind of message reads; uid 1 is "me". */
class BacklogTest {
    private final MessageLines lines = new MessageLines(1, ZoneOffset.UTC);

    private static offsetMsg msg(long seq, long source, long target, long group, String text) {
        return offsetMsg.newBuilder().setSeq(seq).setSourceUID(source).setTargetUID(target).setGroupID(group)
                .setMsg(text).setMsgID("id" + seq).setSentAtMillis(1_700_000_000_000L).build();
    }

    @Test
    void olderMessagesKeepTheLastFewOfEachConversationAndNewOnesAreCounted() {
        Backlog backlog = new Backlog(lines, 6, 3);
        for (int i = 1; i <= 5; i++) {
            backlog.add(msg(i, 5, 1, 0, "old " + i)); // five from user 5
        }
        backlog.add(msg(6, 9, 1, 7, "old in group"));
        backlog.add(msg(7, 5, 1, 0, "new 1"));
        backlog.add(msg(8, 9, 1, 7, "new in group"));
        backlog.add(msg(9, 5, 1, 0, "new 2"));

        assertEquals(List.of("old 3", "old 4", "old 5", "old in group"),
                backlog.earlierShown().stream().map(offsetMsg::getMsg).toList());
        assertEquals(6, backlog.earlierTotal());
        assertEquals(List.of("new 1", "new in group", "new 2"), backlog.fresh().stream().map(offsetMsg::getMsg).toList());
        assertEquals("3 new messages since you were last here: 2 from 5, 1 in group 7", backlog.summary());
    }

    @Test
    void onAFirstVisitEverythingIsEarlier() {
        Backlog backlog = new Backlog(lines, -1, 3);
        backlog.add(msg(1, 5, 1, 0, "a"));
        assertTrue(backlog.firstVisit());
        assertEquals(List.of(), backlog.fresh());
        assertEquals(1, backlog.earlierShown().size());
    }

    @Test
    void nothingNew() {
        assertEquals("no new messages since you were last here", new Backlog(lines, 0, 3).summary());
        Backlog one = new Backlog(lines, 0, 3);
        one.add(msg(1, 0, 1, 0, "maintenance tonight"));
        assertEquals("1 new message since you were last here: 1 from the system", one.summary());
    }

    @Test
    void eachKindOfMessageReadsAsWhatItIs() {
        assertEquals("[from 5 #3 2023-11-14 22:13] hello", lines.format(msg(3, 5, 1, 0, "hello")));
        assertEquals("[group 7 from 5 #4 2023-11-14 22:13] hi all", lines.format(msg(4, 5, 0, 7, "hi all")));
        assertEquals("[group 7 from you #5 2023-11-14 22:13] mine", lines.format(msg(5, 1, 0, 7, "mine")));
        assertEquals("[system #6 2023-11-14 22:13] maintenance tonight", lines.format(msg(6, 0, 1, 0, "maintenance tonight")));
        // A copy of what this user sent from another device: in the conversation with its target.
        assertEquals("[you → 5 #7 2023-11-14 22:13] from my phone", lines.format(msg(7, 1, 5, 0, "from my phone")));
        assertEquals(Conversation.user(5), lines.conversationOf(msg(7, 1, 5, 0, "x")));
        assertEquals(Conversation.system(), lines.conversationOf(msg(6, 0, 1, 0, "x")));
    }

    @Test
    void anotherUsersTextCannotDriveTheTerminal() {
        assertEquals("[from 5 #3 2023-11-14 22:13] \uFFFD[2Jgotcha\uFFFD\nline two\ttab",
                lines.format(msg(3, 5, 1, 0, "\u001b[2Jgotcha\u0007\nline two\ttab")));
    }
}
