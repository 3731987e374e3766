package fishchat.libnet;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames: a {@link DataInputStream} ({@code readUnsignedShort} for the header,
 * {@code readFully} for the body) over a {@link ReadBuffer} of a few hundred bytes.
 *
 * <p>A body's memory follows the bytes that arrived, not the length its header announced: it
 * starts at {@link #FIRST_STEP} bytes (or what is already there) and doubles as more comes.
 * A client that sends a header announcing 65 535 bytes and then nothing costs about what an
 * idle one does, instead of 64 KiB held until a timeout (docs/SECURITY.md); and what incomplete
 * bodies hold past their first step counts against the node's {@link ArrivingBytes}.
 */
public final class FrameInput {
    /** A body's first allocation when its bytes have not arrived yet; most bodies fit in it. */
    static final int FIRST_STEP = 256;

    private final ReadBuffer buffer;
    private final DataInputStream in;
    private final int maxBody;
    private final ArrivingBytes.Share arriving;

    /**
     * @param bufferSize bytes of read buffer held by this reader for as long as it lives
     * @param maxBody    the longest body accepted; a longer header ends the read with {@link FrameTooLargeException}
     * @param arriving   what incomplete bodies count against: the share of the peer's address
     */
    public FrameInput(InputStream stream, int bufferSize, int maxBody, ArrivingBytes.Share arriving) {
        if (bufferSize < Frame.HEADER_BYTES) {
            throw new IllegalArgumentException("the read buffer must hold a frame header");
        }
        this.buffer = new ReadBuffer(stream, bufferSize);
        this.in = new DataInputStream(buffer);
        this.maxBody = Math.min(maxBody, Frame.MAX_BODY);
        this.arriving = arriving;
    }

    /**
     * The next frame's body, or {@code null} when the peer closed the stream cleanly between
     * frames.
     *
     * @throws EOFException the stream ended inside a frame
     * @throws FrameTooLargeException the header announced more than the body limit; nothing of the body was read
     */
    public byte[] read() throws IOException {
        if (!buffer.awaitByte()) {
            return null;
        }
        int length;
        try {
            length = in.readUnsignedShort();
        } catch (EOFException e) {
            throw new EOFException("stream ended inside a frame header");
        }
        if (length > maxBody) {
            throw new FrameTooLargeException(length, maxBody);
        }
        return body(length);
    }

    private byte[] body(int length) throws IOException {
        try {
            return arriving.read(in, length, FIRST_STEP);
        } catch (EOFException e) {
            throw new EOFException("stream ended inside a frame body of " + length + " bytes" + textHint(length));
        }
    }

    /**
     * When the two header bytes are letters, the peer most likely speaks a text protocol: "HT"
     * (18516) is an HTTP server's answer, "GE" (18245) a browser's GET. Said, so that a client
     * pointed at a web port, or a browser at a frame port, is recognised at once.
     */
    private static String textHint(int length) {
        char first = (char) (length >>> 8);
        char second = (char) (length & 0xff);
        return Character.isLetter(first) && first < 128 && Character.isLetter(second) && second < 128
                ? " (the header reads \"" + first + second + "\" in ASCII: a text protocol such as HTTP, not fishchat frames?)"
                : "";
    }
}
