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
        Random seed = new Random(20003);
        int malformed = 0;
        byte[][] prefixes = {{0x08}, {0x0b}, {0x13}, {0x0a, 0x02}, {0x08, (byte) 0xa3, (byte) 0x9c, 0x01}, {}};
        for (int i = 0; i < 200_000; i++) {
            byte[] random = new byte[seed.nextInt(14)];
            seed.nextBytes(random);
            // Often start with a cmd varint, a group or a length, to reach the deeper paths.
            byte[] prefix = prefixes[i % prefixes.length];
            byte[] body = new byte[prefix.length + random.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(random, 0, body, prefix.length, random.length);
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
        assertEquals(true, malformed > 10_000 && malformed < 190_000, "both kinds were tried: " + malformed);
    }
}
