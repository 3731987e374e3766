package fishchat.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.protocol.external.Base;
import fishchat.protocol.external.ReqSendP2PMsg;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvelopeTest {
    @Test
    void readsTheCmdOfARealMessage() throws InvalidProtocolBufferException {
        byte[] body = ReqSendP2PMsg.newBuilder().setCmd(20003).setTargetUID(5).setMsg("hello").build().toByteArray();
        assertEquals(20003, Envelope.cmdOf(body));
        assertEquals(0, Envelope.cmdOf(new byte[0]));
    }

    @Test
    void rejectsExactlyWhatParsingAsBaseRejects() {
        Random random = new Random(20003);
        int malformed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(12)];
            random.nextBytes(body);
            if (i % 2 == 0 && body.length > 0) {
                body[0] = 0x08; // often start with a cmd varint, to reach the deeper paths
            }
            Integer expected;
            try {
                expected = Base.parseFrom(body).getCmd();
            } catch (InvalidProtocolBufferException e) {
                expected = null;
                malformed++;
            }
            if (expected == null) {
                assertThrows(InvalidProtocolBufferException.class, () -> Envelope.cmdOf(body));
            } else {
                try {
                    assertEquals(expected.intValue(), Envelope.cmdOf(body));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError("Base parses " + java.util.HexFormat.of().formatHex(body) + " but Envelope did not", e);
                }
            }
        }
        assertEquals(true, malformed > 1000 && malformed < 19_000, "both kinds were tried: " + malformed);
    }
}
