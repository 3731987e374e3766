package fishchat.discovery;

import java.util.regex.Pattern;

/**
 * What an access server publishes about itself (docs/OPERATIONS.md, "Running a cluster"): stored in etcd as JSON
 * {@code {"id","addr","tlsAddr","wsUrl","wssUrl","peerAddr","sessions","startedAt","version"}}.
 * Readers ignore fields they do not know, so that a newer node can publish more.
 *
 * @param id        node id, also the last part of its key: only {@code [A-Za-z0-9._-]}
 * @param addr      the client address the gateway hands out ({@code host:port})
 * @param tlsAddr   the TLS client address the gateway's TLS port hands out (empty: none)
 * @param wsUrl     the WebSocket URL browsers are handed ({@code ws://host:port/ws}; empty: none)
 * @param wssUrl    the same over TLS ({@code wss://…}; empty: none)
 * @param peerAddr  the address other nodes reach it on (empty while nodes do not talk to each other)
 * @param sessions  open client sessions at the last refresh
 * @param startedAt start time, epoch milliseconds
 * @param version   fishchat version
 */
public record AccessNode(String id, String addr, String tlsAddr, String wsUrl, String wssUrl, String peerAddr, long sessions, long startedAt, String version) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public AccessNode {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("node id '" + id + "' must be 1-128 of [A-Za-z0-9._-]");
        }
        if (addr == null || addr.isEmpty()) {
            throw new IllegalArgumentException("a node needs an address");
        }
        tlsAddr = tlsAddr == null ? "" : tlsAddr;
        wsUrl = wsUrl == null ? "" : wsUrl;
        wssUrl = wssUrl == null ? "" : wssUrl;
        peerAddr = peerAddr == null ? "" : peerAddr;
        version = version == null ? "" : version;
    }

    public AccessNode withSessions(long count) {
        return new AccessNode(id, addr, tlsAddr, wsUrl, wssUrl, peerAddr, count, startedAt, version);
    }

    /** A valid node id made from any text (e.g. "host:port"): other characters become '-'. */
    public static String idFrom(String text) {
        String id = text.replaceAll("[^A-Za-z0-9._-]", "-");
        return id.length() > 128 ? id.substring(0, 128) : id;
    }
}
