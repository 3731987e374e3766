package fishchat.admin;

import fishchat.libnet.FrameServer;
import fishchat.libnet.ServerStats;
import fishchat.metrics.Metrics;

/** A frame server's traffic figures as metrics named {@code fishchat_<server>_…}. */
public final class ServerMetrics {
    private ServerMetrics() {
    }

    public static void register(Metrics metrics, String server, FrameServer frames) {
        String p = "fishchat_" + server + "_";
        ServerStats stats = frames.stats();
        metrics.gauge(p + "sessions_open", "Open client connections", () -> frames.sessions().size());
        metrics.counterOf(p + "sessions_opened_total", "Client connections accepted", stats::sessionsOpened);
        metrics.counterOf(p + "connections_refused_total", "Connections refused at admission (caps and rates)", stats::connectionsRefused);
        metrics.counterOf(p + "refusals_unanswered_total", "Refused connections closed without an answer (TLS, in a flood)",
                stats::refusalsUnanswered);
        metrics.counterOf(p + "frames_in_total", "Frames read", stats::framesIn);
        metrics.counterOf(p + "frames_out_total", "Frames written", stats::framesOut);
        metrics.counterOf(p + "bytes_in_total", "Bytes of frames read, headers included", stats::bytesIn);
        metrics.counterOf(p + "bytes_out_total", "Bytes of frames written, headers included", stats::bytesOut);
    }
}
