package fishchat.cli;

import fishchat.libnet.ServerOptions;
import fishchat.libnet.TlsCredentials;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/** The certificate for a server's TLS port(s): --tls-cert, --tls-key. */
final class TlsFlags {
    private static final System.Logger LOG = System.getLogger(TlsFlags.class.getName());
    /** How often the files are checked for a renewal (SIGHUP reloads at once). */
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(5);

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain (leaf first) for the TLS address(es); reloaded on SIGHUP and when "
                    + "the file changes, without dropping open sessions.")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM private key (PKCS#8 or PKCS#1 RSA, unencrypted, mode 0600) for --tls-cert.")
    Path key;

    private TlsCredentials loaded;

    /**
     * The credentials when a TLS address was asked for, loaded once and reloaded on SIGHUP or
     * file change; null when none was. Refuses a TLS address without a certificate and a
     * certificate without a TLS address (a forgotten flag would otherwise serve plaintext only).
     */
    TlsCredentials load(boolean tlsAddressGiven, String addressFlag) throws IOException {
        if ((cert == null) != (key == null)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--tls-cert and --tls-key go together");
        }
        if (tlsAddressGiven != (cert != null)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), tlsAddressGiven
                    ? addressFlag + " needs --tls-cert and --tls-key" : "--tls-cert needs " + addressFlag);
        }
        if (cert == null) {
            // The JVM's default for SIGHUP is to exit; `systemctl reload` must not stop a server.
            onSighup(() -> LOG.log(INFO, "SIGHUP: no TLS certificate to reload"));
            return null;
        }
        if (loaded == null) {
            loaded = TlsCredentials.load(cert, key).watch(WATCH_PERIOD);
            onSighup(loaded::reload);
        }
        return loaded;
    }

    private static void onSighup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> action.run());
        } catch (IllegalArgumentException e) {
            // -Xrs, or a JVM that keeps SIGHUP to itself: the file watcher still reloads.
            LOG.log(WARNING, "SIGHUP cannot be handled here ({0}); certificates reload when their files change",
                    e.getMessage());
        }
    }

    /** {@code options} with a TLS address added when one is given. */
    static ServerOptions withTls(ServerOptions options, InetSocketAddress tlsListen, TlsCredentials credentials) {
        return tlsListen == null ? options : options.withTls(tlsListen, credentials);
    }
}
