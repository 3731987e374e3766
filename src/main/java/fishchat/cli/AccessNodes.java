package fishchat.cli;

import fishchat.access.AccessServer;
import fishchat.discovery.AccessNode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** How an access server describes itself in the registry. */
final class AccessNodes {
    private AccessNodes() {
    }

    static void checkId(String id) {
        try {
            new AccessNode(id, "x:1", "", "", "", "", 0, 0, "");
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException("--node-id: " + e.getMessage());
        }
    }

    /** The address clients are handed: the advertised one, else the bound one; null when neither. */
    static String handedOut(String advertised, InetSocketAddress bound) {
        return advertised != null ? advertised : bound == null ? null : HostPort.format(bound);
    }

    /**
     * @param addr    the address handed out ({@link #handedOut})
     * @param tlsAddr the TLS address handed out, or null
     * @param nodeId  the node's id, or null for the default: stable across restarts and unique per host and port
     */
    static AccessNode describe(AccessServer access, String addr, String tlsAddr, String wsUrl, String wssUrl,
                               String nodeId) {
        String id = nodeId != null ? nodeId : AccessNode.idFrom(hostname() + "-" + access.address().getPort());
        String version = AccessNodes.class.getPackage().getImplementationVersion();
        return new AccessNode(id, addr, tlsAddr, wsUrl, wssUrl, "", 0, System.currentTimeMillis(), version == null ? "dev" : version);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
