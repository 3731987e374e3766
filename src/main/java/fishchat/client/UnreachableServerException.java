package fishchat.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A server that could not be reached, named with the address tried, as one line a person can
 * act on: {@code cannot reach gateway 127.0.0.1:10000: Connection refused}.
 */
public final class UnreachableServerException extends IOException {
    public UnreachableServerException(String role, InetSocketAddress address, IOException cause) {
        super("cannot reach " + role + " " + format(address) + ": " + reason(cause), cause);
    }

    static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static String reason(IOException cause) {
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
