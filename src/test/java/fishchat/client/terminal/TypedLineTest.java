package fishchat.client.terminal;

import fishchat.client.Outgoing;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypedLineTest {
    @Test
    void commandsBecomeRequests() {
        Outgoing.ToUser to = (Outgoing.ToUser) ((TypedLine.Request) TypedLine.parse("/to 5   hello   there ")).request();
        assertEquals(5, to.target());
        assertEquals("hello   there", to.text());
        Outgoing.ToGroup group = (Outgoing.ToGroup) ((TypedLine.Request) TypedLine.parse("/group 7 hi all")).request();
        assertEquals(7, group.group());
        assertEquals(new Outgoing.Join(7), ((TypedLine.Request) TypedLine.parse("/join 7")).request());
        assertEquals(new Outgoing.Leave(7), ((TypedLine.Request) TypedLine.parse("/leave 7")).request());
        assertInstanceOf(TypedLine.Quit.class, TypedLine.parse("/quit"));
        assertInstanceOf(TypedLine.Help.class, TypedLine.parse("/help"));
        assertInstanceOf(TypedLine.Blank.class, TypedLine.parse("   "));
    }

    @Test
    void eachSendHasItsOwnMessageId() {
        Outgoing.ToUser a = (Outgoing.ToUser) ((TypedLine.Request) TypedLine.parse("/to 5 same")).request();
        Outgoing.ToUser b = (Outgoing.ToUser) ((TypedLine.Request) TypedLine.parse("/to 5 same")).request();
        assertNotEquals(a.msgId(), b.msgId());
    }

    @Test
    void mistakesSayWhatIsExpected() {
        assertEquals("no text to send; usage: /to UID text", mistake("/to 5"));
        assertEquals("'bob' is not a user id; usage: /to UID text", mistake("/to bob hi"));
        assertEquals("a group id is a positive number; usage: /join GID", mistake("/join 0"));
        assertTrue(mistake("/frobnicate").startsWith("unknown command /frobnicate; commands:"));
        assertTrue(mistake("hello").startsWith("to write to someone: /to UID text"));
    }

    private static String mistake(String line) {
        return ((TypedLine.Mistake) TypedLine.parse(line)).why();
    }
}
