package fishchat.cli;

import fishchat.libnet.Addresses;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command's listening addresses and the flag that moves each, so that a port already taken
 * is reported with the flag to change: "try --web-listen HOST:PORT or --no-web".
 */
final class BusyPorts {
    private final Map<String, String> hintByAddress = new LinkedHashMap<>();

    /** Adds {@code address} (ignored when null) with its hint, e.g. "--web-listen HOST:PORT or --no-web". */
    BusyPorts add(InetSocketAddress address, String hint) {
        if (address != null && address.getPort() != 0) {
            hintByAddress.putIfAbsent(Addresses.format(address), hint);
        }
        return this;
    }

    /** The startup failure to report for {@code busy}: its message, and the flag of the address it names. */
    StartupException explain(BindException busy) {
        String message = busy.getMessage() == null ? "a port is in use" : busy.getMessage();
        for (Map.Entry<String, String> entry : hintByAddress.entrySet()) {
            if (message.contains(" " + entry.getKey() + ":") || message.endsWith(" " + entry.getKey())) {
                return new StartupException(message, "try " + entry.getValue());
            }
        }
        return new StartupException(message, null);
    }
}
