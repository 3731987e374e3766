package fishchat.libnet;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per source address, against a cap: one address (a scanner, a flood, a
 * broken client in a reconnect loop) cannot take every slot of a server. A cap of 0 counts
 * nothing. Entries disappear when their count drops to zero.
 */
final class AddressCounts {
    private final int cap;
    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    AddressCounts(int cap) {
        this.cap = cap;
    }

    /** Counts one more connection from {@code address}; false (and nothing counted) at the cap. */
    boolean tryAcquire(InetAddress address) {
        if (cap == 0) {
            return true;
        }
        boolean[] admitted = new boolean[1];
        counts.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            admitted[0] = current < cap;
            return admitted[0] ? current + 1 : n;
        });
        return admitted[0];
    }

    void release(InetAddress address) {
        if (cap != 0) {
            counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    int count(InetAddress address) {
        return counts.getOrDefault(address, 0);
    }
}
