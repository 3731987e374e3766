package fishchat.libnet;

import java.net.InetAddress;

/**
 * Whether a new connection may in: the caps on connections at once (in all, and per source
 * address) and the rates of new connections (per server, per source address), checked when it
 * is accepted, before any byte of it is read, the same for every port of a {@link Server}.
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
        AdmissionRates.Verdict tooFast = rates.admit(source);
        if (tooFast != null) {
            return new Refused(tooFast.refusal(), tooFast.retryAfterMillis(), tooFast.refusal() == Refusal.SERVER_RATE
                    ? "new connections per second" : "new connections per second from " + source.getHostAddress());
        }
        if (!perAddress.tryAcquire(source)) {
            return new Refused(Refusal.ADDRESS_CAP, 0, "connections from " + source.getHostAddress() + " (cap per address)");
        }
        return null;
    }

    void release(InetAddress source) {
        perAddress.release(source);
    }

    int openFrom(InetAddress source) {
        return perAddress.count(source);
    }
}
