package fishchat.libnet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;

/** Frames with a 2-byte length header over a TCP socket, or over a TLS socket layered on one. */
final class SocketTransport implements Transport {
    private static final int DRAIN_MILLIS = 1000;
    private static final int DRAIN_BYTES = 65_536;

    /** What frames are read from and written to: the TCP socket, or the TLS socket over it. */
    private final Socket socket;
    /**
     * The TCP socket underneath. Closing it (not the TLS socket) is what unblocks a stuck read
     * or write: a TLS close would first try to write close_notify, and so could block behind
     * the very write it is meant to cut.
     */
    private final Socket tcp;
    private final SocketAddress remote;
    private final FrameReader reader;
    private final OutputStream out;

    SocketTransport(Socket tcp, Socket socket, int readBufferSize, int maxBody) throws IOException {
        this.tcp = tcp;
        this.socket = socket;
        this.remote = socket.getRemoteSocketAddress();
        this.reader = new FrameReader(socket.getInputStream(), readBufferSize, maxBody);
        this.out = socket.getOutputStream();
    }

    @Override
    public byte[] read() throws IOException {
        return reader.read();
    }

    @Override
    public void write(byte[] frame) throws IOException {
        out.write(frame);
    }

    @Override
    public void finishOutput(String reason) throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void drainInput() {
        try {
            socket.setSoTimeout(DRAIN_MILLIS);
            byte[] sink = new byte[512];
            int total = 0;
            int n;
            while (total < DRAIN_BYTES && (n = socket.getInputStream().read(sink)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // Timed out, reset or closed: nothing more to wait for.
        }
    }

    @Override
    public void close() throws IOException {
        tcp.close();
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean secure() {
        return socket != tcp;
    }
}
