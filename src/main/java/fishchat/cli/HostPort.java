package fishchat.cli;

import picocli.CommandLine;

import java.net.InetSocketAddress;

/** Parses {@code host:port} (IPv6 as {@code [::1]:port}) for picocli flags. */
public final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        return parse(value);
    }

    public static InetSocketAddress parse(String value) {
        String text = value.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' has no numeric port");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException("'" + value + "': port must be within 0..65535");
        }
        return new InetSocketAddress(host, port);
    }
}
