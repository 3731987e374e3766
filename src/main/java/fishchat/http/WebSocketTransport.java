package fishchat.http;

import fishchat.libnet.ArrivingBytes;
import fishchat.libnet.Connection;
import fishchat.libnet.Frame;
import fishchat.libnet.FrameTooLargeException;
import fishchat.libnet.Transport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Frames over a WebSocket: each binary message carries one frame body (the WebSocket framing
 * delimits it, so there is no length header). Read on the connection's own thread, like a
 * TCP socket's frames, and handed to the same session loop.
 *
 * <p>What a client may not do ends the connection with a Close frame saying why (RFC 6455):
 * a text message (1003: binary only), a protocol error such as an unmasked frame, reserved
 * bits or opcodes, a fragmented or over-long control frame (1002), an invalid Close (1002,
 * 1007). Pings are answered with pongs but do not count as activity: as on TCP, only protocol
 * frames (a {@code ReqPing}) keep a session from the idle timeout.
 */
public final class WebSocketTransport implements Transport {
    private static final int NORMAL_CLOSE = 1000;
    private static final int GOING_AWAY = 1001;
    private static final int UNSUPPORTED_DATA = 1003;
    private static final int INVALID_PAYLOAD = 1007;
    private static final int MESSAGE_TOO_BIG = 1009;
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 65_536;
    /** A Close frame's reason must fit a control frame: 125 bytes less the 2-byte code. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final Connection connection;
    private final WebSocketReader reader;
    /** What fragments and incomplete frames count against: the client address's share of the node's budget. */
    private final ArrivingBytes.Share arriving;
    private final OutputStream out;
    private final int maxBody;
    /** Our own frames (pongs, a Close) come from the reading thread: serialized with the session's writes. */
    private final ReentrantLock writing = new ReentrantLock();
    private volatile boolean oversize;

    /** After the upgrade, on the connection's thread; {@code maxBody}: the largest message accepted. */
    public WebSocketTransport(HttpChannel channel, int maxBody) {
        this.connection = channel.connection();
        this.arriving = ArrivingBytes.NODE.shareOf(connection.source());
        this.reader = new WebSocketReader(channel.in(), maxBody, arriving);
        this.out = channel.out();
        this.maxBody = maxBody;
    }

    @Override
    public byte[] read() throws IOException {
        try {
            return readMessage();
        } catch (WebSocketProtocolException e) {
            sendClose(e.closeCode(), e.reason());
            connection.drainInput(DRAIN_MILLIS, DRAIN_BYTES);
            throw e;
        } catch (FrameTooLargeException e) {
            oversize = true; // the session answers 90004, then finishOutput closes with 1009
            throw e;
        }
    }

    private byte[] readMessage() throws IOException {
        ByteArrayOutputStream fragments = null; // only for a message split into several frames
        long counted = 0; // what the fragments may hold (twice their bytes), against the node's budget
        try {
            while (true) {
                WebSocketReader.WsFrame frame = reader.next();
                if (frame == null) {
                    if (fragments != null) {
                        throw new EOFException("connection ended inside a WebSocket message");
                    }
                    return null;
                }
                switch (frame.opcode()) {
                    case WebSocketReader.BINARY, WebSocketReader.CONTINUATION -> {
                        boolean continuation = frame.opcode() == WebSocketReader.CONTINUATION;
                        if (continuation != (fragments != null)) {
                            throw new WebSocketProtocolException(WebSocketReader.PROTOCOL_ERROR, continuation
                                    ? "a continuation without a message" : "a new message inside a fragmented one");
                        }
                        if (frame.fin() && fragments == null) {
                            return frame.payload();
                        }
                        fragments = fragments == null ? new ByteArrayOutputStream(frame.payload().length) : fragments;
                        if (fragments.size() + frame.payload().length > maxBody) {
                            throw new FrameTooLargeException(fragments.size() + frame.payload().length, maxBody);
                        }
                        arriving.take(2L * frame.payload().length);
                        counted += 2L * frame.payload().length;
                        fragments.write(frame.payload());
                        if (frame.fin()) {
                            return fragments.toByteArray();
                        }
                    }
                    case WebSocketReader.TEXT -> throw new WebSocketProtocolException(UNSUPPORTED_DATA,
                            "binary messages only: each carries one protobuf body");
                    case WebSocketReader.PING -> send(WebSocketReader.PONG, frame.payload(), 0, frame.payload().length);
                    case WebSocketReader.PONG -> {
                        // An answer to nothing we sent: allowed (RFC 6455 5.5.3), ignored.
                    }
                    case WebSocketReader.CLOSE -> {
                        answerClose(frame.payload());
                        if (fragments != null) {
                            throw new EOFException("connection closed inside a WebSocket message");
                        }
                        return null;
                    }
                    default -> throw new WebSocketProtocolException(WebSocketReader.PROTOCOL_ERROR,
                            "reserved opcode " + frame.opcode());
                }
                // Reached only by a frame that is no message (a PING, a PONG, a fragment short of
                // the last): the session loop's count of requests never sees it, so it is counted here.
                connection.unitRead();
            }
        } finally {
            arriving.give(counted);
        }
    }

    /** Echoes a valid Close (RFC 6455 5.5.1); an invalid one is a protocol error. */
    private void answerClose(byte[] payload) throws IOException {
        if (payload.length == 0) {
            sendClose(NORMAL_CLOSE, "");
            return;
        }
        if (payload.length == 1) {
            throw new WebSocketProtocolException(WebSocketReader.PROTOCOL_ERROR, "a Close frame of one byte");
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (!sendableCode(code)) {
            throw new WebSocketProtocolException(WebSocketReader.PROTOCOL_ERROR, "Close code " + code + " is not one to send");
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload, 2, payload.length - 2));
        } catch (CharacterCodingException e) {
            throw new WebSocketProtocolException(INVALID_PAYLOAD, "a Close reason that is not UTF-8");
        }
        sendClose(code, "");
    }

    /** RFC 6455 7.4: the codes an endpoint may put in a Close frame. */
    private static boolean sendableCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
    }

    @Override
    public void write(Frame frame) throws IOException {
        send(WebSocketReader.BINARY, frame.encoded(), Frame.HEADER_BYTES, frame.bodyLength());
    }

    @Override
    public void finishOutput(String reason) throws IOException {
        int code = oversize ? MESSAGE_TOO_BIG
                : reason != null && reason.startsWith("server stopping") ? GOING_AWAY : NORMAL_CLOSE;
        sendCloseOrFail(code, reason == null ? "" : reason);
    }

    @Override
    public void drainInput() {
        connection.drainInput(DRAIN_MILLIS, DRAIN_BYTES);
    }

    private void sendClose(int code, String reason) {
        try {
            sendCloseOrFail(code, reason);
        } catch (IOException e) {
            // The peer is gone already: nothing to tell it.
        }
    }

    private void sendCloseOrFail(int code, String reason) throws IOException {
        byte[] text = closeReason(reason);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        send(WebSocketReader.CLOSE, payload, 0, payload.length);
    }

    /** One unmasked frame, header and payload in one write, under the write clock. */
    private void send(int opcode, byte[] bytes, int offset, int length) throws IOException {
        int headerLength = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[headerLength + length];
        frame[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(bytes, offset, frame, headerLength, length);
        writing.lock();
        try {
            connection.writeStarted();
            out.write(frame);
        } finally {
            connection.writeEnded();
            writing.unlock();
        }
    }

    /** At most 123 bytes of UTF-8, cut on a character boundary. */
    private static byte[] closeReason(String reason) {
        String cut = reason;
        byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
        while (bytes.length > MAX_CLOSE_REASON_BYTES) {
            cut = cut.substring(0, cut.length() - 1);
            bytes = cut.getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }
}
