package fishchat.web;

import fishchat.libnet.FrameTooLargeException;
import fishchat.libnet.Frames;
import fishchat.libnet.Transport;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.ClientWsFrame;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsCloseException;
import io.helidon.websocket.WsOpCode;
import io.helidon.websocket.WsSession;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Frames over one WebSocket connection: each binary WebSocket message is one frame body (no
 * length header: the WebSocket framing delimits it). Reads are done here, on the connection's
 * own virtual thread, with Helidon's frame decoder; Helidon's own read loop never runs for
 * these connections (see {@link WebSocketEndpoint}), so the session loop owns the connection
 * from its first frame to its close, as it does a TCP socket's.
 *
 * <p>A text message, or a WebSocket protocol error, ends the connection with a Close frame
 * saying why. Pings are answered with pongs but do not count as activity: as on TCP, only
 * protocol frames (a {@code ReqPing}) keep a session from the idle timeout.
 */
final class WebSocketTransport implements Transport {
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 65_536;
    /** A Close frame's reason must fit in a control frame: 125 bytes less the 2-byte code. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final WsSession ws;
    private final ConnectionContext connection;
    private final DataReader reader;
    private final int maxBody;
    private final SocketAddress remote;
    private final boolean secure;
    /** The connection's own thread: it reads, and runs the session loop (see {@link #close}). */
    private final Thread reading;

    /** Made on the connection's own thread, which then runs the session loop. */
    WebSocketTransport(WsSession ws, ConnectionContext connection, int maxBody) {
        this.ws = ws;
        this.connection = connection;
        this.reader = connection.dataReader();
        this.maxBody = maxBody;
        this.remote = connection.remotePeer().address();
        this.secure = connection.isSecure();
        this.reading = Thread.currentThread();
    }

    @Override
    public byte[] read() throws IOException {
        ByteArrayOutputStream fragments = null; // only for a message split into several frames
        while (true) {
            ClientWsFrame frame = nextFrame(fragments != null);
            if (frame == null) {
                return null;
            }
            switch (frame.opCode()) {
                case BINARY, CONTINUATION -> {
                    if (frame.opCode() == WsOpCode.CONTINUATION && fragments == null) {
                        throw protocolError(WsCloseCodes.PROTOCOL_ERROR, "continuation without a message");
                    }
                    byte[] payload = bytes(frame.payloadData());
                    if (frame.fin() && fragments == null) {
                        return payload;
                    }
                    fragments = fragments == null ? new ByteArrayOutputStream(payload.length * 2) : fragments;
                    if (fragments.size() + payload.length > maxBody) {
                        throw new FrameTooLargeException(fragments.size() + payload.length, maxBody);
                    }
                    fragments.write(payload);
                    if (frame.fin()) {
                        return fragments.toByteArray();
                    }
                }
                case TEXT -> throw protocolError(WsCloseCodes.CANNOT_ACCEPT,
                        "binary messages only: each carries one protobuf body");
                case PING -> ws.pong(frame.payloadData());
                case PONG -> {
                    // An answer to nothing we sent: allowed (RFC 6455 5.5.3), ignored.
                }
                case CLOSE -> {
                    answerClose(frame.payloadData());
                    if (fragments != null) {
                        throw new EOFException("connection closed inside a WebSocket message");
                    }
                    return null;
                }
                default -> throw protocolError(WsCloseCodes.PROTOCOL_ERROR, "unknown opcode " + frame.opCode());
            }
        }
    }

    /** The next WebSocket frame, or null at a clean end of the stream (not inside a message). */
    private ClientWsFrame nextFrame(boolean insideMessage) throws IOException {
        try {
            return ClientWsFrame.read(connection, reader, maxBody);
        } catch (DataReader.InsufficientDataAvailableException e) {
            if (insideMessage) {
                throw new EOFException("connection ended inside a WebSocket message");
            }
            return null;
        } catch (WsCloseException e) {
            if (e.closeCode() == WsCloseCodes.TOO_BIG) {
                throw new FrameTooLargeException(maxBody + 1, maxBody); // Helidon read the length only: "more than"
            }
            throw protocolError(e.closeCode(), e.getMessage());
        } catch (RuntimeException e) {
            // Helidon reports socket failures (a reset, our own close) unchecked. A close of a
            // wss session interrupts this thread (see close()): the session ends, not interrupted.
            Thread.interrupted();
            throw new IOException("WebSocket read failed: " + e.getMessage(), e);
        }
    }

    /** Says why in a Close frame, then fails the read: the session ends as it would on a malformed frame. */
    private IOException protocolError(int code, String why) {
        sendCloseQuietly(code, why);
        return new IOException("WebSocket protocol error (" + code + "): " + why);
    }

    private void answerClose(BufferData payload) {
        int code = payload.available() >= 2 ? payload.readInt16() : WsCloseCodes.NORMAL_CLOSE;
        // Echo the peer's code (RFC 6455 5.5.1), except those that must not be sent.
        sendCloseQuietly(code == WsCloseCodes.NO_STATUS_CODE || code == WsCloseCodes.CLOSED_ABNORMALLY
                ? WsCloseCodes.NORMAL_CLOSE : code, "");
    }

    private void sendCloseQuietly(int code, String reason) {
        try {
            ws.close(code, closeReason(reason));
        } catch (RuntimeException e) {
            // The peer is gone already: nothing to tell it.
        }
    }

    private static byte[] bytes(BufferData data) {
        byte[] bytes = new byte[data.available()];
        data.read(bytes);
        return bytes;
    }

    @Override
    public void write(byte[] frame) throws IOException {
        try {
            ws.send(BufferData.create(frame, Frames.HEADER_BYTES, frame.length - Frames.HEADER_BYTES), true);
        } catch (RuntimeException e) {
            throw new IOException("WebSocket write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void finishOutput(String reason) throws IOException {
        int code = reason != null && reason.startsWith("server stopping") ? WsCloseCodes.GOING_AWAY : WsCloseCodes.NORMAL_CLOSE;
        try {
            ws.close(code, closeReason(reason));
        } catch (RuntimeException e) {
            throw new IOException("WebSocket close failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void drainInput() {
        // Reads until the peer's Close (or EOF), bounded in time by a close from a timer
        // (Helidon's reader has no timeout of its own) and in bytes. After an oversize frame
        // the stream stands inside that frame's payload: then raw bytes are dropped instead.
        CompletableFuture.delayedExecutor(DRAIN_MILLIS, TimeUnit.MILLISECONDS).execute(this::closeQuietly);
        int drained = 0;
        try {
            while (drained < DRAIN_BYTES) {
                ClientWsFrame frame = ClientWsFrame.read(connection, reader, maxBody);
                if (frame.opCode() == WsOpCode.CLOSE) {
                    return;
                }
                drained += (int) frame.payloadLength();
            }
        } catch (WsCloseException e) {
            dropRawInput(drained);
        } catch (RuntimeException e) {
            // Closed, reset or timed out: nothing more to wait for.
        } finally {
            Thread.interrupted(); // a wss close from the timer interrupts this thread
        }
    }

    private void dropRawInput(int drained) {
        try {
            while (drained < DRAIN_BYTES) {
                reader.ensureAvailable();
                int n = reader.available();
                reader.skip(n);
                drained += n;
            }
        } catch (RuntimeException e) {
            // EOF, or closed by the timer.
        }
    }

    /**
     * Cuts the connection at once, from any thread. ws: closes the socket, which fails a read
     * or write under way. wss: Helidon's TLS socket close would first write close_notify (and
     * on TLS 1.2 wait for the peer's), so it could block behind the very write it is meant to
     * cut, and it leaves the TCP connection open; instead the connection's thread is
     * interrupted, which closes the channel under a read or write blocked on it (the session
     * then ends; a request in hand on another thread sees the interrupt too). On the
     * connection's own thread (the session ending) nothing is needed: Helidon closes the
     * channel once {@link WebSocketEndpoint#onOpen} returns.
     */
    @Override
    public void close() {
        if (!secure) {
            connection.serverSocket().close();
        } else if (Thread.currentThread() != reading) {
            reading.interrupt();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            // Already closed.
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    private static String closeReason(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        // Cut on a character boundary so the reason stays valid UTF-8.
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }
}
