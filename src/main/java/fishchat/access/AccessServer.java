package fishchat.access;

import fishchat.chat.Messaging;
import fishchat.chat.auth.TokenVerifier;
import fishchat.libnet.FrameServer;
import fishchat.libnet.ServerOptions;
import fishchat.metrics.Metrics;
import fishchat.libnet.Frame;
import fishchat.libnet.Refusal;
import fishchat.protocol.ErrorBodies;
import fishchat.store.MessageStore;
import fishchat.store.Subscription;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An access server: holds logged-in client sessions and carries their messages through a
 * {@link MessageStore}. The store is the caller's: it outlives the server and is closed
 * by whoever opened it, after {@link #stop()}.
 *
 * <p>While it runs, the node keeps its users' presence in the store under an id of its own for
 * this run ({@link #nodeId()}), with a lease that other nodes sweep when it runs out.
 */
public final class AccessServer implements AutoCloseable {
    private final FrameServer server;
    private final OnlineUsers online;
    private final RetentionTask retention;
    private final MessageStore store;
    private final PresenceWatchers watchers = new PresenceWatchers();
    private final Revoker revoker;
    private final PresenceRecorder presence;
    private final Messaging messaging;
    private final Announcements announcements;
    private final AccessOptions chat;
    private final Clock clock;
    private final String nodeId;
    private volatile NodeLease lease;
    private volatile Subscription remoteDeliveries;

    public AccessServer(ServerOptions options, AccessOptions chat, MessageStore store, TokenVerifier tokens, Clock clock) {
        this(options, chat, store, tokens, clock, new Metrics());
    }

    /** @param metrics where the server registers what it counts (served by the admin endpoint) */
    public AccessServer(ServerOptions options, AccessOptions chat, MessageStore store, TokenVerifier tokens, Clock clock,
                        Metrics metrics) {
        this.messaging = new Messaging(store, chat.maxMessageBytes(), clock);
        AccessMetrics counters = new AccessMetrics(metrics);
        this.nodeId = newNodeId(options.bind());
        this.presence = new PresenceRecorder(nodeId, store.presence(), this::devicesHere, watchers::publish, clock);
        this.online = new OnlineUsers(counters.notifies, counters.messagesDelivered, presence::changed);
        this.announcements = new Announcements(online, counters);
        this.revoker = new Revoker(store, online, counters, clock);
        this.server = new FrameServer(options
                .withRefusals(Refusal.Answers.of(ErrorBodies.OVER_CAPACITY, ErrorBodies.BUSY,
                        ErrorBodies::addressRateLimited, ErrorBodies::serverRateLimited))
                .withOversizeFrame(Frame.of(ErrorBodies.OVERSIZE)),
                new AccessHandler(messaging, tokens, online, counters, chat, announcements, watchers, store.presence()));
        metrics.gauge("fishchat_users_online", "Distinct users logged in on this node", online::users);
        this.retention = new RetentionTask(store, chat.retention(), clock);
        this.store = store;
        this.chat = chat;
        this.clock = clock;
    }

    /** Sessions of {@code uid} on this node now (what the presence recorder writes). */
    private int devicesHere(long uid) {
        return online.sessions(uid).size();
    }

    /**
     * A fresh id for each run: rows a killed run left behind are swept when its lease runs out,
     * never mistaken for this run's. Host and port first, for people reading the tables.
     */
    private static String newNodeId(InetSocketAddress bind) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        byte[] run = new byte[4];
        ThreadLocalRandom.current().nextBytes(run);
        return host + "-" + bind.getPort() + "-" + HexFormat.of().formatHex(run);
    }

    public AccessServer start() throws IOException {
        lease = new NodeLease(nodeId, store.presence(), () -> presence.changedAll(online.uids()), watchers::publish, clock);
        lease.start(); // before the first login: a node's rows are never without its lease
        presence.start();
        server.start();
        remoteDeliveries = store.subscribe(new RemoteDeliveries(online, messaging, store, revoker, watchers));
        retention.start();
        return this;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public OnlineUsers online() {
        return online;
    }

    public FrameServer frameServer() {
        return server;
    }

    /** What the server API may do through this node. */
    public Backend backend() {
        return new Backend(messaging, announcements, revoker, store, chat, nodeId, clock);
    }

    /** This run's id in the store (presence rows, webhook delivery leases). */
    public String nodeId() {
        return nodeId;
    }

    /** Stops accepting and closes every session; returns when their threads have ended. */
    public void stop() {
        stop(java.time.Duration.ZERO);
    }

    /**
     * Stops accepting and lets sessions finish the request in hand for up to {@code grace}; then
     * this node's users are taken offline in the store at once.
     */
    public void stop(java.time.Duration grace) {
        retention.stop();
        Subscription subscription = remoteDeliveries;
        if (subscription != null) {
            subscription.close();
        }
        server.stop(grace);
        presence.stop();
        NodeLease held = lease;
        if (held != null) {
            held.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
