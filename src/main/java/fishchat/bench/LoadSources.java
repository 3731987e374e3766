package fishchat.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Source addresses for load connections: 127.0.0.2, 127.0.0.3, ... so that thousands of
 * connections to one port do not run out of ephemeral ports on a single source address.
 * Decided per target, since one user may dial a loopback gateway and then the access server
 * it hands out elsewhere: for a target outside loopback the OS picks the source.
 */
public final class LoadSources {
    private final InetSocketAddress[] sources;

    public LoadSources(int count) {
        sources = new InetSocketAddress[Math.max(1, count)];
        for (int i = 0; i < count; i++) {
            try {
                sources[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)}), 0);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The source for the n-th connection, to {@code target} (null: let the OS choose). */
    public InetSocketAddress forConnection(int n, InetSocketAddress target) {
        return target.getAddress().isLoopbackAddress() ? sources[n % sources.length] : null;
    }
}
