package fishchat.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;

/** Tells Jazzer's SSRF detector that connections to our own server on loopback are expected. */
final class Loopback {
    private Loopback() {
    }

    static SilentCloseable allowOnly(int port) {
        return BugDetectors.allowNetworkConnections((host, p) -> p == port
                && (host.equals("127.0.0.1") || host.equals("localhost")));
    }
}
