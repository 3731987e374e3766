package fishchat.cli;

import fishchat.libnet.TlsCredentials;
import fishchat.web.WebOptions;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * How an access node (or standalone) serves browsers, beyond its two addresses --ws-listen and
 * --web-listen, which each command declares with its own default.
 */
final class WebFlags {
    @Option(names = "--wss-listen", converter = HostPort.class, paramLabel = "HOST:PORT",
            description = "Also serve the WebSocket endpoint over TLS here (wss://HOST:PORT/ws, with --tls-cert, "
                    + "--tls-key) (default: off).")
    InetSocketAddress wssListen;

    @Option(names = "--ws-allowed-origins", split = ",", paramLabel = "ORIGIN",
            description = "Web origins (scheme://host[:port]) whose pages may open a WebSocket; clients that send "
                    + "no Origin are not browsers and are not checked (default: the chat page's own origin; without "
                    + "a chat page, only pages from the WebSocket's own host and port).")
    List<String> allowedOrigins;

    @Option(names = "--advertise-ws", paramLabel = "URL",
            description = "WebSocket URL handed to browsers (default: ws://<--ws-listen>/ws).")
    String advertiseWs;

    @Option(names = "--advertise-wss", paramLabel = "URL",
            description = "wss URL handed to browsers that reached the gateway over TLS (default: wss://<--wss-listen>/ws).")
    String advertiseWss;

    /** The address flag a certificate may serve, for the "needs" messages of {@link TlsFlags#load}. */
    static String tlsAddressFlags(String tcpFlag) {
        return tcpFlag + " or --wss-listen";
    }

    WebOptions options(InetSocketAddress wsListen, InetSocketAddress webListen, TlsCredentials tls) {
        if (allowedOrigins != null) {
            try {
                fishchat.web.AllowedOrigins.parse(allowedOrigins);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--ws-allowed-origins: " + e.getMessage());
            }
        }
        return new WebOptions(wsListen, wssListen, tls, allowedOrigins, webListen, advertiseWs, advertiseWss);
    }
}
