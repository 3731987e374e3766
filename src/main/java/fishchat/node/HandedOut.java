package fishchat.node;

import fishchat.libnet.Addresses;

import java.net.InetSocketAddress;

/**
 * The access address a node hands to clients (through a gateway, etcd or {@code GET /access}):
 * the advertised one, else the bound one. A wildcard address (0.0.0.0, ::) is what a server
 * listens on, not what a client can dial, so handing it out is refused at start-up.
 */
final class HandedOut {
    private HandedOut() {
    }

    /**
     * @param advertised the operator's --advertise flag (or null)
     * @param flag       the listening flag's name, for the message
     * @return the address as clients dial it, or null when there is neither
     */
    static String address(String advertised, InetSocketAddress bound, String flag, String advertiseFlag) {
        if (advertised != null) {
            return advertised;
        }
        if (bound == null) {
            return null;
        }
        if (bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException(flag + " " + Addresses.format(bound) + " is a wildcard address that no "
                    + "client can dial: give " + advertiseFlag + " HOST:PORT, the address clients should use");
        }
        return Addresses.format(bound);
    }
}
