package fishchat.libnet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameInputTest {
    private static FrameInput over(byte[] bytes) {
        return new FrameInput(new ByteArrayInputStream(bytes), 64, Frame.MAX_BODY, ArrivingBytes.NODE.shareOf(null));
    }

    @Test
    void framesAreReadWholeThenACleanEndIsNull() throws Exception {
        byte[] big = new byte[5000]; // larger than the first step: the body grows as it arrives
        big[4999] = 7;
        byte[] stream = new byte[2 + 3 + 2 + big.length];
        stream[1] = 3;
        stream[2] = 'a';
        stream[3] = 'b';
        stream[4] = 'c';
        stream[5] = (byte) (big.length >>> 8);
        stream[6] = (byte) big.length;
        System.arraycopy(big, 0, stream, 7, big.length);
        FrameInput in = over(stream);
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), in.read());
        assertArrayEquals(big, in.read());
        assertNull(in.read());
    }

    @Test
    void aStreamEndingInsideAFrameSaysWhere() {
        assertEquals("stream ended inside a frame header", assertThrows(EOFException.class, () -> over(new byte[] {0}).read()).getMessage());
        assertEquals("stream ended inside a frame body of 300 bytes",
                assertThrows(EOFException.class, () -> over(new byte[] {1, 44, 1, 2}).read()).getMessage());
    }

    @Test
    void anHttpAnswerIsRecognisedAsText() {
        byte[] http = "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        EOFException e = assertThrows(EOFException.class, () -> over(http).read());
        assertTrue(e.getMessage().startsWith("stream ended inside a frame body of 18516 bytes (the header reads \"HT\""), e.getMessage());
    }
}
