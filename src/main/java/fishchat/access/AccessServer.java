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
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * An access server: holds logged-in client sessions and carries their messages through a
 * {@link MessageStore}. The store is the caller's: it outlives the server and is closed
 * by whoever opened it, after {@link #stop()}.
 */
public final class AccessServer implements AutoCloseable {
    private final FrameServer server;
    private final OnlineUsers online;
    private final RetentionTask retention;
    private final MessageStore store;
    private volatile Subscription remoteDeliveries;

    public AccessServer(ServerOptions options, AccessOptions chat, MessageStore store, TokenVerifier tokens, Clock clock) {
        this(options, chat, store, tokens, clock, new Metrics());
    }

    /** @param metrics where the server registers what it counts (served by the admin endpoint) */
    public AccessServer(ServerOptions options, AccessOptions chat, MessageStore store, TokenVerifier tokens, Clock clock,
                        Metrics metrics) {
        Messaging messaging = new Messaging(store, chat.maxMessageBytes(), clock);
        AccessMetrics counters = new AccessMetrics(metrics);
        this.online = new OnlineUsers(counters.notifies);
        this.server = new FrameServer(options
                .withRefusals(Refusal.Answers.of(ErrorBodies.OVER_CAPACITY, ErrorBodies.BUSY,
                        ErrorBodies::addressRateLimited, ErrorBodies::serverRateLimited))
                .withOversizeFrame(Frame.of(ErrorBodies.OVERSIZE)), new AccessHandler(messaging, tokens, online, counters, chat));
        metrics.gauge("fishchat_users_online", "Distinct users logged in on this node", online::users);
        this.retention = new RetentionTask(store, chat.retention(), clock);
        this.store = store;
    }

    public AccessServer start() throws IOException {
        server.start();
        remoteDeliveries = store.subscribe(new RemoteDeliveries(online, store));
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

    /** Stops accepting and closes every session; returns when their threads have ended. */
    public void stop() {
        stop(java.time.Duration.ZERO);
    }

    /** Stops accepting and lets sessions finish the request in hand for up to {@code grace}. */
    public void stop(java.time.Duration grace) {
        retention.stop();
        Subscription subscription = remoteDeliveries;
        if (subscription != null) {
            subscription.close();
        }
        server.stop(grace);
    }

    @Override
    public void close() {
        stop();
    }
}
