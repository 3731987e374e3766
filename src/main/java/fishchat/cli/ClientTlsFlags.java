package fishchat.cli;

import fishchat.libnet.TlsTrust;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** How a client command reaches servers over TLS: --tls, --tls-ca. */
final class ClientTlsFlags {
    @Option(names = "--tls", description = "Connect over TLS, trusting the JDK's CA certificates "
            + "(the addresses given must be TLS ones).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Connect over TLS, trusting only the CA certificate(s) in this PEM file (e.g. a private CA).")
    Path caFile;

    /** The trust to connect with, or null for plaintext. */
    TlsTrust trust() {
        if (caFile != null) {
            try {
                return TlsTrust.fromPem(caFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tls ? TlsTrust.systemDefault() : null;
    }
}
