package fishchat.bench.attack;

import fishchat.bench.LoadSources;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/** Raw connections an attack holds: opened from spread loopback sources, polled for whether the server closed them. */
final class Sockets implements AutoCloseable {
    private final List<Socket> open = new ArrayList<>();

    /** Opens {@code count} connections to {@code target} from {@code sources} loopback addresses; failures are counted, not thrown. */
    static Sockets open(InetSocketAddress target, int count, int sources) {
        Sockets sockets = new Sockets();
        LoadSources from = new LoadSources(sources);
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            try {
                InetSocketAddress source = from.forConnection(i, target);
                if (source != null) {
                    socket.bind(source);
                }
                socket.connect(target, 5000);
                sockets.open.add(socket);
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
        return sockets;
    }

    List<Socket> all() {
        return open;
    }

    /** How many the server has not closed: a read that waits {@code millis} sees no end of stream. */
    int stillOpen(int millis) {
        int alive = 0;
        for (Socket socket : open) {
            if (isOpen(socket, millis)) {
                alive++;
            }
        }
        return alive;
    }

    /** True while the server keeps the connection: nothing (or only data) arrives within {@code millis}; false at EOF or reset. */
    static boolean isOpen(Socket socket, int millis) {
        try {
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            while (true) {
                if (in.read(sink) < 0) {
                    return false;
                }
            }
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closed already.
        }
    }
}
