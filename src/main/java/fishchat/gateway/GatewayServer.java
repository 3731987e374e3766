package fishchat.gateway;

import fishchat.libnet.FrameServer;
import fishchat.libnet.ServerOptions;
import fishchat.libnet.Frame;
import fishchat.libnet.Refusal;
import fishchat.protocol.ErrorBodies;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A gateway: a frame server that answers cmd 10001 from an {@link AccessDirectory}. */
public final class GatewayServer implements AutoCloseable {
    private final AccessDirectory directory;
    private final FrameServer server;

    public GatewayServer(ServerOptions options, AccessDirectory directory) {
        this.directory = directory;
        this.server = new FrameServer(options
                .withRefusals(Refusal.Answers.of(ErrorBodies.OVER_CAPACITY, ErrorBodies.BUSY,
                        ErrorBodies::addressRateLimited, ErrorBodies::serverRateLimited))
                .withOversizeFrame(Frame.of(ErrorBodies.OVERSIZE)), new GatewayHandler(directory));
    }

    public GatewayServer start() throws IOException {
        server.start();
        return this;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public AccessDirectory directory() {
        return directory;
    }

    public FrameServer frameServer() {
        return server;
    }

    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
