package fishchat.web;

import fishchat.libnet.TlsCredentials;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;

/** What fishchat's two Helidon servers (WebSocket, chat page) set up the same way. */
final class HelidonServers {
    private HelidonServers() {
    }

    /** Helidon's TLS from our credentials: the same certificate, versions and reloads as the TCP port. */
    static Tls tls(SSLContext context) {
        return Tls.builder().sslContext(context).enabledProtocols(TlsCredentials.protocols()).build();
    }

    /** Follows certificate reloads of {@code credentials} on the named listener. */
    static void followReloads(WebServer server, String listener, TlsCredentials credentials) {
        credentials.onReload(context -> server.reloadTls(listener, tls(context)));
    }

    /** {@code host:port} as a URL writes it (an IPv6 host in brackets). */
    static String authority(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static InetSocketAddress bound(InetSocketAddress requested, int port) {
        return new InetSocketAddress(requested.getAddress(), port);
    }
}
