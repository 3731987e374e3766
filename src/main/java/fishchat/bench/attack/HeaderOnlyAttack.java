package fishchat.bench.attack;

import fishchat.bench.LoadSources;
import fishchat.libnet.Frame;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Connections that each send one good request (so they count as greeted, past the handshake
 * timeout), read its answer, then a frame header announcing 65 535 bytes and nothing more (or,
 * with {@code bodyBytes}, that many bytes of the body and then nothing). A server that
 * allocates the announced body at the header holds 64 KiB per connection until a timeout;
 * ours should hold about what an idle connection does. With most of the body sent, a server
 * holds what arrived: ours holds it within a node-wide budget, and a share of it per source
 * address, and closes the connections over it; a {@link SlowRequestProbe} from another address
 * shows whether other clients' requests arriving in parts are still read meanwhile.
 */
public final class HeaderOnlyAttack {
    private static final byte[] HEADER = {(byte) 0xFF, (byte) 0xFF};

    private HeaderOnlyAttack() {
    }

    /** What the server held: connections still open after the hold, and its heap per connection when measured. */
    /** {@code slowProbe}: what the {@link SlowRequestProbe} met during the hold, or null when none was sent. */
    public record Outcome(int opened, int greeted, int stillOpen, long heapBefore, long heapAfter, String slowProbe) {
        public long heapPerConnection() {
            return heapBefore < 0 || stillOpen == 0 ? -1 : (heapAfter - heapBefore) / stillOpen;
        }

        public String resultLine() {
            return "RESULT attack=header-only opened=" + opened + " greeted=" + greeted + " still_open=" + stillOpen
                    + (heapBefore < 0 ? "" : " heap_before=" + heapBefore + " heap_after=" + heapAfter
                    + " heap_per_conn=" + heapPerConnection())
                    + (slowProbe == null ? "" : " slow_probe=" + slowProbe.replace(' ', '_'));
        }
    }

    /**
     * @param hello    a request body the target answers (ReqPing on an access server, ReqAccessServer on a gateway)
     * @param serverPid the server's pid for heap figures (jcmd), or 0 for none
     */
    public static Outcome run(InetSocketAddress target, byte[] hello, int connections, int sources, Duration hold,
                              long serverPid) throws IOException, InterruptedException {
        return run(target, hello, connections, sources, hold, serverPid, true, 0, false);
    }

    /**
     * With {@code sendHeader} false, the connections stop after their request: idle ones, the
     * baseline to compare with; {@code bodyBytes} (below 65 535) of the announced body follow the header;
     * with {@code slowProbe}, a {@link SlowRequestProbe} is sent from the next source address a second into the hold.
     */
    public static Outcome run(InetSocketAddress target, byte[] hello, int connections, int sources, Duration hold,
                              long serverPid, boolean sendHeader, int bodyBytes, boolean slowProbe)
            throws IOException, InterruptedException {
        byte[] partial = new byte[HEADER.length + Math.min(bodyBytes, 0xFFFE)];
        System.arraycopy(HEADER, 0, partial, 0, HEADER.length);
        long before = serverPid > 0 ? HeapProbe.afterFullGc(serverPid) : -1;
        try (Sockets sockets = Sockets.open(target, connections, sources)) {
            int greeted = 0;
            byte[] frame = Frame.of(hello).encoded();
            for (Socket socket : sockets.all()) {
                if (greet(socket, frame)) {
                    greeted++;
                }
            }
            for (Socket socket : sendHeader ? sockets.all() : java.util.List.<Socket>of()) {
                try {
                    socket.getOutputStream().write(partial);
                } catch (IOException e) {
                    // Closed by the server: counted below.
                }
            }
            long holdEnds = System.nanoTime() + hold.toNanos();
            String probe = null;
            if (slowProbe) {
                Thread.sleep(Math.min(1000, hold.toMillis()));
                probe = SlowRequestProbe.run(target, new LoadSources(sources + 1).forConnection(sources, target), hello);
            }
            Thread.sleep(Math.max(0, (holdEnds - System.nanoTime()) / 1_000_000));
            long after = serverPid > 0 ? HeapProbe.afterFullGc(serverPid) : -1;
            return new Outcome(sockets.all().size(), greeted, sockets.stillOpen(1), before, after, probe);
        }
    }

    /** Sends the request and reads one whole answer frame. */
    private static boolean greet(Socket socket, byte[] frame) {
        try {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(frame);
            InputStream in = socket.getInputStream();
            int high = in.read();
            int low = in.read();
            if (low < 0) {
                return false;
            }
            return in.readNBytes((high << 8) | low).length == ((high << 8) | low);
        } catch (IOException e) {
            return false;
        }
    }
}
