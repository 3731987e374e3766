package fishchat.libnet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Whether a new connection may in: the caps on connections at once (in all, and per source
 * address) and the rates of new connections (per server, per source address), checked when it
 * is accepted, before any byte of it is read, the same for every port of a {@link Server}.
 *
 * <p>"Per source address" counts an IPv4 address, or an IPv6 /64: one subscriber is usually
 * given a whole /64, and counting its addresses one by one would give a client a fresh cap and
 * rate for each of them.
 */
final class Admission {
    private final ConnectionLimits limits;
    private final AddressCounts perAddress;
    private final AdmissionRates rates;

    Admission(ConnectionLimits limits) {
        this.limits = limits;
        this.perAddress = new AddressCounts(limits.maxConnectionsPerIp());
        this.rates = new AdmissionRates(limits.newConnectionsPerSecond(), limits.newConnectionsPerIpPerSecond());
    }

    /** A refused connection: why, when a retry may succeed (ms, 0: unknown), and a few words for the log. */
    record Refused(Refusal refusal, long retryAfterMillis, String why) {
    }

    /**
     * Null when {@code source} may open one more connection beside the {@code open} ones (it
     * then holds a place: {@link #release} it when the connection ends); otherwise why not.
     */
    Refused admit(InetAddress source, int open) {
        if (open >= limits.maxConnections()) {
            return new Refused(Refusal.OVER_CAPACITY, 0, "connections open (cap)");
        }
        InetAddress counted = counted(source);
        AdmissionRates.Verdict tooFast = rates.admit(counted);
        if (tooFast != null) {
            return new Refused(tooFast.refusal(), tooFast.retryAfterMillis(), tooFast.refusal() == Refusal.SERVER_RATE
                    ? "new connections per second" : "new connections per second from " + describe(counted));
        }
        if (!perAddress.tryAcquire(counted)) {
            return new Refused(Refusal.ADDRESS_CAP, 0, "connections from " + describe(counted) + " (cap per address)");
        }
        return null;
    }

    void release(InetAddress source) {
        perAddress.release(counted(source));
    }

    int openFrom(InetAddress source) {
        return perAddress.count(counted(source));
    }

    /** What the caps and rates per address count {@code source} as: itself (IPv4), or its /64 (IPv6). */
    static InetAddress counted(InetAddress source) {
        if (!(source instanceof Inet6Address)) {
            return source;
        }
        byte[] prefix = source.getAddress();
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    static String describe(InetAddress counted) {
        return counted instanceof Inet6Address ? counted.getHostAddress() + "/64" : counted.getHostAddress();
    }
}
