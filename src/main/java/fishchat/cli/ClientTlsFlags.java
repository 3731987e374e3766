package fishchat.cli;

import fishchat.libnet.TlsTrust;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** How a client command reaches servers over TLS: --tls, --tls-ca. */
final class ClientTlsFlags {
    @Option(names = "--tls", description = "Connect over TLS, trusting the JDK's CA certificates "
            + "(the addresses given must be TLS ones).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Connect over TLS, trusting only the CA certificate(s) in this PEM file (e.g. a private CA).")
    Path caFile;

    /**
     * The trust to connect with, or null for plaintext. A CA file that cannot be read is a
     * bad flag value: one line naming it (exit 2), not a stack trace.
     */
    TlsTrust trust() {
        if (caFile != null) {
            try {
                return TlsTrust.fromPem(caFile);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("--tls-ca " + caFile + ": no such file", e);
            } catch (IOException e) {
                throw new IllegalArgumentException("--tls-ca: " + e.getMessage(), e); // the message names the file
            }
        }
        return tls ? TlsTrust.systemDefault() : null;
    }
}
