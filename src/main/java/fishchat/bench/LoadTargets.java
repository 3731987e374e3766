package fishchat.bench;

import fishchat.client.ChatClient;
import fishchat.libnet.TlsTrust;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where load users log in: through gateways, which hand each user an access server as they
 * would a real client, or straight on access servers, skipping the gateway. User n goes to
 * target n % N, so users spread evenly over the targets.
 */
public final class LoadTargets {
    private final List<InetSocketAddress> addresses;
    private final boolean gateways;
    private final TlsTrust tls;

    private LoadTargets(List<InetSocketAddress> addresses, boolean gateways, TlsTrust tls) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no target to log users in on");
        }
        this.addresses = List.copyOf(addresses);
        this.gateways = gateways;
        this.tls = tls;
    }

    public static LoadTargets gateways(List<InetSocketAddress> gateways) {
        return new LoadTargets(gateways, true, null);
    }

    public static LoadTargets accessServers(List<InetSocketAddress> accessServers) {
        return new LoadTargets(accessServers, false, null);
    }

    /** The same targets, dialled over TLS (the addresses must then be TLS ones). */
    public LoadTargets withTls(TlsTrust trust) {
        return new LoadTargets(addresses, gateways, trust);
    }

    /** Connects user n: to the access server its gateway hands out, or to its access server. */
    public ChatClient connect(int n, LoadSources sources, ChatClient.Listener listener) throws IOException {
        InetSocketAddress target = addresses.get(n % addresses.size());
        InetSocketAddress access = gateways ? ChatClient.askGateway(target, sources.forConnection(n, target), tls) : target;
        return ChatClient.connect(access, sources.forConnection(n, access), tls, listener);
    }

    /**
     * Connects user n as {@link #connect} does and logs it in as {@code uid}, syncing from
     * {@code fromSeq} ({@link ChatClient#login}); a failed login closes the connection.
     */
    public ChatClient logIn(int n, LoadSources sources, ChatClient.Listener listener, long uid, String token, long fromSeq)
            throws IOException {
        ChatClient client = connect(n, sources, listener);
        try {
            client.login(uid, token, fromSeq);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Which node user n (connected as {@code client}) is on. Given access servers are nodes
     * by position, so one address listed twice counts as two nodes; behind gateways only the
     * access server a user was handed tells.
     */
    Object nodeOf(int n, ChatClient client) {
        return gateways ? client.accessAddress() : n % addresses.size();
    }

    /** How users got on their nodes, e.g. "behind 2 gateways" or "2 --access targets". */
    @Override
    public String toString() {
        int n = addresses.size();
        return gateways
                ? "behind " + n + (n == 1 ? " gateway" : " gateways")
                : n + (n == 1 ? " --access target" : " --access targets");
    }
}
