package fishchat.client;

import fishchat.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ErrorWordsTest {
    @Test
    void loginRefusalsSayWhatIsWrongWithTheToken() {
        assertEquals("this token is not valid for uid 3", ErrorWords.of(ErrorCode.BAD_TOKEN, Attempt.login(3)));
        assertEquals("this token has expired; ask for a new one (fishchat token --uid 3)",
                ErrorWords.of(ErrorCode.TOKEN_EXPIRED, Attempt.login(3)));
    }

    @Test
    void requestErrorOnAGroupSendMeansNotAMember() {
        assertEquals("you are not a member of group 7 (/join 7 first)",
                ErrorWords.of(ErrorCode.REQUEST_ERR, Attempt.sendToGroup(1, 7, "hi")));
    }

    @Test
    void sendRefusalsInWords() {
        assertEquals("you are sending too fast; slow down", ErrorWords.of(ErrorCode.RATE_LIMITED, Attempt.sendToUser(1, 5, "x")));
        assertEquals("message too long (5000 bytes; this server takes at most 4096)",
                ErrorWords.of(ErrorCode.MESSAGE_TOO_LARGE, Attempt.sendToUser(1, 5, "é".repeat(2500)).limitedTo(4096)));
        assertEquals("message too long (5000 bytes is over this server's limit)",
                ErrorWords.of(ErrorCode.MESSAGE_TOO_LARGE, Attempt.sendToUser(1, 5, "é".repeat(2500))));
        assertEquals("the server could not store the message just now (its message store is unavailable)",
                ErrorWords.of(ErrorCode.SERVER_ERR, Attempt.sendToGroup(1, 7, "x")));
    }

    @Test
    void everyCodeHasWordsOtherThanTheWireText() {
        for (ErrorCode code : ErrorCode.values()) {
            for (Attempt attempt : new Attempt[] {Attempt.connect(), Attempt.login(3), Attempt.sendToUser(3, 5, "x"),
                    Attempt.sendToGroup(3, 7, "x"), Attempt.join(3, 7), Attempt.leave(3, 7)}) {
                String words = ErrorWords.of(code, attempt);
                assertFalse(words.isBlank(), code + " " + attempt);
                if (code != ErrorCode.OK) {
                    assertNotEquals(code.text(), words, code + " is told in the server's words");
                }
            }
        }
    }

    @Test
    void aCodeNewerThanTheClientKeepsTheServersText() {
        ChatException unknown = new ChatException(null, "something new");
        assertEquals("the server refused it: unknown error (something new)", ErrorWords.of(unknown, Attempt.login(3)));
    }
}
