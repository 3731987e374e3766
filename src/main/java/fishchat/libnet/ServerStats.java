package fishchat.libnet;

import java.util.concurrent.atomic.LongAdder;

/** Traffic counters of one server, cheap to bump from every session thread; read when scraped. */
public final class ServerStats {
    final LongAdder framesIn = new LongAdder();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder sessionsOpened = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    /** Refused connections closed without an answer (TLS refusals in a flood, past their budget). */
    final LongAdder refusalsUnanswered = new LongAdder();

    public long framesIn() {
        return framesIn.sum();
    }

    public long framesOut() {
        return framesOut.sum();
    }

    /** Bytes of frames read, headers included. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Bytes of frames written, headers included. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    public long sessionsOpened() {
        return sessionsOpened.sum();
    }

    /** Connections answered "over capacity" and closed. */
    public long connectionsRefused() {
        return connectionsRefused.sum();
    }

    public long refusalsUnanswered() {
        return refusalsUnanswered.sum();
    }
}
