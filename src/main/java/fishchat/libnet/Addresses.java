package fishchat.libnet;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The one way fishchat writes an address: {@code host:port}, an IPv6 host in brackets, never a leading slash. */
public final class Addresses {
    private Addresses() {
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code chat.example.com:443}: as a client dials it, as a URL writes it. */
    public static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** As {@link #format(InetSocketAddress)}; other kinds of address as they print themselves. */
    public static String format(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? format(inet) : String.valueOf(address);
    }
}
