package fishchat.http;

import fishchat.libnet.ArrivingBytes;
import fishchat.libnet.FrameTooLargeException;
import fishchat.libnet.ReadBuffer;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads WebSocket frames a client sends (RFC 6455 section 5), checking what the RFC requires
 * before reading a payload: masked, no reserved bits (no extension is negotiated), a known
 * opcode, control frames unfragmented and at most 125 bytes, a data payload within the limit.
 * A payload's memory follows the bytes that arrived, as for frames on TCP.
 */
final class WebSocketReader {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    static final int PROTOCOL_ERROR = 1002;
    static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int FIRST_STEP = 512;

    /** One frame: whether it ends its message, its opcode, its unmasked payload. */
    record WsFrame(boolean fin, int opcode, byte[] payload) {
        boolean control() {
            return opcode >= CLOSE;
        }
    }

    private final ReadBuffer buffer;
    private final DataInputStream in;
    private final int maxPayload;
    private final byte[] mask = new byte[4];
    private final ArrivingBytes.Share arriving;

    /** {@code arriving}: what a frame's payload counts against while it arrives (the client address's share). */
    WebSocketReader(ReadBuffer buffer, int maxPayload, ArrivingBytes.Share arriving) {
        this.arriving = arriving;
        this.buffer = buffer;
        this.in = new DataInputStream(buffer);
        this.maxPayload = maxPayload;
    }

    /** The next frame, or null when the stream ended cleanly before one began. */
    WsFrame next() throws IOException {
        if (!buffer.awaitByte()) {
            return null;
        }
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0F;
        if ((first & 0x70) != 0) {
            throw new WebSocketProtocolException(PROTOCOL_ERROR, "reserved bits set (no extension was agreed)");
        }
        if (!(opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG))) {
            throw new WebSocketProtocolException(PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        if ((second & 0x80) == 0) {
            throw new WebSocketProtocolException(PROTOCOL_ERROR, "a client's frames must be masked");
        }
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
            if (length < 0) {
                throw new WebSocketProtocolException(PROTOCOL_ERROR, "payload length with its top bit set");
            }
        }
        if (opcode >= CLOSE) {
            if (!fin) {
                throw new WebSocketProtocolException(PROTOCOL_ERROR, "a fragmented control frame");
            }
            if (length > MAX_CONTROL_PAYLOAD) {
                throw new WebSocketProtocolException(PROTOCOL_ERROR, "a control frame of " + length + " bytes (125 at most)");
            }
        } else if (length > maxPayload) {
            throw new FrameTooLargeException((int) Math.min(Integer.MAX_VALUE, length), maxPayload);
        }
        in.readFully(mask);
        return new WsFrame(fin, opcode, payload((int) length));
    }

    private byte[] payload(int length) throws IOException {
        byte[] payload;
        try {
            payload = arriving.read(in, length, FIRST_STEP);
        } catch (EOFException e) {
            throw new EOFException("connection ended inside a WebSocket frame of " + length + " bytes");
        }
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return payload;
    }
}
