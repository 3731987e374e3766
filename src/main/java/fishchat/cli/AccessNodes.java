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

    /** Node id default: stable across restarts and unique per host and port. */
    static AccessNode describe(AccessServer access, String advertise, String advertiseTls, String wsUrl, String wssUrl,
                               String nodeId) {
        InetSocketAddress bound = access.address();
        String addr = advertise != null ? advertise : HostPort.format(bound);
        InetSocketAddress tlsBound = access.frameServer().tlsAddress();
        String tlsAddr = advertiseTls != null ? advertiseTls : tlsBound == null ? "" : HostPort.format(tlsBound);
        String id = nodeId != null ? nodeId : AccessNode.idFrom(hostname() + "-" + bound.getPort());
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
