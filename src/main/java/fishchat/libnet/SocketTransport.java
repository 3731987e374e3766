package fishchat.libnet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/** Frames with a 2-byte length header over a connection's TCP socket, or the TLS socket layered on it. */
final class SocketTransport implements Transport {
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 65_536;

    private final Connection connection;
    private final Socket socket;
    private final FrameInput input;
    private final OutputStream out;

    SocketTransport(Connection connection, int readBufferSize, int maxBody) throws IOException {
        this.connection = connection;
        this.socket = connection.socket();
        this.input = new FrameInput(socket.getInputStream(), readBufferSize, maxBody,
                ArrivingBytes.NODE.shareOf(connection.source()));
        this.out = socket.getOutputStream();
    }

    @Override
    public byte[] read() throws IOException {
        return input.read();
    }

    @Override
    public void write(Frame frame) throws IOException {
        out.write(frame.encoded());
    }

    @Override
    public void finishOutput(String reason) throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void drainInput() {
        connection.drainInput(DRAIN_MILLIS, DRAIN_BYTES);
    }
}
