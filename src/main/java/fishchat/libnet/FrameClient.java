package fishchat.libnet;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of the frame protocol: used by tests, the CLI chat client and the
 * benchmarks. Sends may come from several threads; receives from one.
 */
public final class FrameClient implements Closeable {
    private final Socket socket;
    private final FrameInput reader;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();

    private FrameClient(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new FrameInput(socket.getInputStream(), 512, Frame.MAX_BODY, ArrivingBytes.NODE.shareOf(null));
        this.out = socket.getOutputStream();
    }

    public static FrameClient connect(InetSocketAddress target, Duration timeout) throws IOException {
        return connect(target, null, timeout);
    }

    /**
     * Connects from {@code localAddress} when given (port 0), so that load tests can spread
     * their connections over several loopback source addresses.
     */
    public static FrameClient connect(InetSocketAddress target, InetSocketAddress localAddress, Duration timeout)
            throws IOException {
        return connect(target, localAddress, timeout, null);
    }

    /**
     * As above, over TLS when {@code tls} is given: the handshake (and the check of the
     * server's certificate against {@code target}'s host name) happens here, within {@code timeout}.
     */
    public static FrameClient connect(InetSocketAddress target, InetSocketAddress localAddress, Duration timeout,
                                      TlsTrust tls) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (localAddress != null) {
                socket.bind(localAddress);
            }
            socket.connect(target, (int) timeout.toMillis());
            if (tls == null) {
                return new FrameClient(socket);
            }
            socket.setSoTimeout((int) timeout.toMillis());
            Socket secured = tls.wrap(socket, target);
            secured.setSoTimeout(0);
            return new FrameClient(secured);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** How long {@link #receive()} waits before SocketTimeoutException (zero: forever). */
    public void setReceiveTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    public void send(byte[] body) throws IOException {
        sendRaw(Frame.of(body).encoded());
    }

    /** Writes bytes as they are: a test may send broken frames on purpose. */
    public void sendRaw(byte[] bytes) throws IOException {
        writeLock.lock();
        try {
            out.write(bytes);
        } finally {
            writeLock.unlock();
        }
    }

    /** The next frame body, or null when the server closed the connection. */
    public byte[] receive() throws IOException {
        return reader.read();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Half-closes the sending side, as a client that is done talking. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    /**
     * Drops the connection with a TCP reset (SO_LINGER 0) instead of an orderly FIN: what
     * the server sees when a client crashes or its network path is cut (chaos tests).
     */
    public void abort() throws IOException {
        if (!socket.isClosed()) {
            socket.setSoLinger(true, 0);
        }
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
