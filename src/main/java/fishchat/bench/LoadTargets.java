package fishchat.bench;

import fishchat.client.ChatClient;
import fishchat.client.ChatException;
import fishchat.protocol.ErrorCode;
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
    /** Tries per user when servers refuse connections with a retry hint (see {@link #logIn}). */
    private static final int MAX_ATTEMPTS = 20;
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

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
        for (int attempt = 1; ; attempt++) {
            ChatClient client = null;
            try {
                client = connect(n, sources, listener);
                client.login(uid, token, fromSeq);
                return client;
            } catch (ChatException e) {
                closeQuietly(client);
                if (!waitAsTold(e, attempt)) {
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(client);
                throw e;
            }
        }
    }

    /**
     * As a well-behaved client does when a server refuses a connection for opening too fast
     * (90005 with a retry hint): waits at least the hinted time, and longer with each attempt
     * (the hint is when one more connection would pass, and every refused client heard the
     * same), with jitter so that retries spread; false when there was no hint or the attempts
     * are used up.
     */
    static boolean waitAsTold(ChatException e, int attempt) throws IOException {
        if (e.code() != ErrorCode.RATE_LIMITED || e.retryAfter().isZero() || attempt >= MAX_ATTEMPTS) {
            return false;
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 16));
        long millis = Math.max(e.retryAfter().toMillis(), backoff);
        try {
            Thread.sleep(millis / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(millis + 1));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry");
        }
        return true;
    }

    private static void closeQuietly(ChatClient client) {
        if (client != null) {
            client.close();
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
