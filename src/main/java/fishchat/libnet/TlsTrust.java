package fishchat.libnet;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * The client side of TLS: which certificates a client trusts (the JDK's CA list, or the CA
 * in a PEM file, e.g. a private CA or a test's self-signed certificate), with host name
 * checking as browsers do it.
 */
public final class TlsTrust {
    private final SSLSocketFactory factory;

    private TlsTrust(SSLSocketFactory factory) {
        this.factory = factory;
    }

    /** Trusts the JDK's default CA certificates. */
    public static TlsTrust systemDefault() {
        return new TlsTrust((SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Trusts only the certificates in {@code caFile} (PEM). */
    public static TlsTrust fromPem(Path caFile) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : PemFiles.certificates(caFile)) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new TlsTrust(context.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new IOException(caFile + ": " + e.getMessage(), e);
        }
    }

    /** Layers TLS over a connected socket, checking that the certificate names {@code target}'s host. */
    SSLSocket wrap(Socket connected, InetSocketAddress target) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(connected, target.getHostString(), target.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(TlsCredentials.PROTOCOLS);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake(); // fail here, with the certificate's reason, rather than on the first read
        return tls;
    }
}
