package fishchat.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import fishchat.libnet.ArrivingBytes;
import fishchat.libnet.FrameInput;
import fishchat.libnet.FrameTooLargeException;
import fishchat.libnet.Frame;
import fishchat.protocol.Envelope;
import fishchat.protocol.external.Base;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The frame decoder on arbitrary bytes: {@link FrameInput} (any buffer size, any frame limit,
 * reads cut short anywhere, as TCP may) and then {@link Envelope#cmdOf} on every body.
 *
 * <p>Each is held to an independent reading of the spec, not merely to "did not crash": the
 * reader must return exactly the frames a plain walk over the bytes finds, and fail only as
 * documented (EOFException for a stream that ends inside a frame, FrameTooLargeException for a
 * header over the limit); Envelope must accept exactly the bodies protobuf-java's own parser
 * accepts as {@code Base}, with the same cmd, and reject the rest with
 * InvalidProtocolBufferException. Any other exception fails the test (Jazzer reports it).
 */
class FrameDecoderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decodesFramesAsSpecified(FuzzedDataProvider data) throws IOException {
        int bufferSize = data.consumeInt(Frame.HEADER_BYTES, 300);
        int maxBody = data.consumeBoolean() ? Frame.MAX_BODY : data.consumeInt(0, Frame.MAX_BODY + 10);
        int chunk = data.consumeInt(1, 64);
        byte[] stream = data.consumeRemainingAsBytes();

        FrameInput reader = new FrameInput(new ShortReads(stream, chunk), bufferSize, maxBody,
                ArrivingBytes.NODE.shareOf(null));
        int limit = Math.min(maxBody, Frame.MAX_BODY);
        int at = 0;
        while (true) {
            int left = stream.length - at;
            if (left == 0) {
                assertNull(reader.read(), "a stream that ends between frames reads as a clean close");
                return;
            }
            if (left == 1) {
                assertThrows(EOFException.class, reader::read, "a stream that ends inside a header");
                return;
            }
            int length = ((stream[at] & 0xFF) << 8) | (stream[at + 1] & 0xFF);
            if (length > limit) {
                FrameTooLargeException e = assertThrows(FrameTooLargeException.class, reader::read);
                assertEquals(length, e.length());
                return;
            }
            if (left - Frame.HEADER_BYTES < length) {
                assertThrows(EOFException.class, reader::read, "a stream that ends inside a body");
                return;
            }
            byte[] body = reader.read();
            assertArrayEquals(Arrays.copyOfRange(stream, at + Frame.HEADER_BYTES, at + Frame.HEADER_BYTES + length), body);
            checkEnvelope(body);
            at += Frame.HEADER_BYTES + length;
        }
    }

    /** Envelope agrees with protobuf-java's parser: same cmd, or both refuse. */
    private static void checkEnvelope(byte[] body) {
        Integer expected;
        try {
            expected = Base.parseFrom(body).getCmd();
        } catch (InvalidProtocolBufferException e) {
            expected = null;
        }
        try {
            int cmd = Envelope.cmdOf(body);
            if (expected == null) {
                fail("Envelope accepted (cmd " + cmd + ") a body that Base.parseFrom rejects");
            }
            assertEquals(expected.intValue(), cmd, "cmd");
        } catch (InvalidProtocolBufferException e) {
            if (expected != null) {
                fail("Envelope rejected a body that Base.parseFrom accepts (cmd " + expected + ")", e);
            }
        }
    }

    /** A stream that returns at most {@code chunk} bytes per read, as a socket may. */
    private static final class ShortReads extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int position;

        ShortReads(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, chunk), bytes.length - position);
            System.arraycopy(bytes, position, into, offset, n);
            position += n;
            return n;
        }
    }
}
