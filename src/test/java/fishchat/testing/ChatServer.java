package fishchat.testing;

import fishchat.access.AccessOptions;
import fishchat.access.AccessServer;
import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.TokenVerifier;
import fishchat.gateway.AccessDirectory;
import fishchat.gateway.AccessList;
import fishchat.gateway.GatewayServer;
import fishchat.libnet.ServerOptions;
import fishchat.protocol.Cmd;
import fishchat.protocol.external.ReqLogin;
import fishchat.protocol.external.ResLogin;
import fishchat.store.sqlite.SqliteStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gateway + access server + SQLite store on free loopback ports, wired as standalone mode
 * does it but with each part reachable, for tests.
 */
public final class ChatServer implements AutoCloseable {
    public static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    private final SqliteStore store;
    private final AccessServer access;
    private final GatewayServer gateway;
    private final HmacTokens tokens = new HmacTokens(SECRET, Clock.systemUTC());
    private final List<ProtoClient> clients = new ArrayList<>();

    private ChatServer(SqliteStore store, AccessServer access, GatewayServer gateway) {
        this.store = store;
        this.access = access;
        this.gateway = gateway;
    }

    public static ChatServer start(Path dataDir) throws IOException {
        return start(dataDir, ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "access"),
                AccessOptions.defaults(), null);
    }

    public static ChatServer start(Path dataDir, ServerOptions accessOptions, AccessOptions chat, TokenVerifier verifier)
            throws IOException {
        TokenVerifier tokens = verifier != null ? verifier : new HmacTokens(SECRET, Clock.systemUTC());
        SqliteStore store = SqliteStore.open(dataDir, Duration.ofSeconds(4));
        AccessServer access = new AccessServer(accessOptions.withBind(new InetSocketAddress("127.0.0.1", 0)),
                chat, store, tokens, Clock.systemUTC()).start();
        InetSocketAddress bound = access.address();
        GatewayServer gateway = new GatewayServer(
                ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "gateway"),
                new AccessDirectory(new AccessList(List.of(bound.getHostString() + ":" + bound.getPort())))).start();
        return new ChatServer(store, access, gateway);
    }

    public SqliteStore store() {
        return store;
    }

    public AccessServer access() {
        return access;
    }

    public InetSocketAddress gateway() {
        return gateway.address();
    }

    public String token(long uid) {
        return tokens.mint(uid, Duration.ofHours(1));
    }

    /** A connected client, closed with the server. */
    public ProtoClient connect() throws IOException {
        ProtoClient client = ProtoClient.connect(access.address());
        clients.add(client);
        return client;
    }

    /** A client logged in as uid (the login reply checked). */
    public ProtoClient login(long uid) throws IOException {
        ProtoClient client = connect();
        assertEquals(0, login(client, uid).getErrCode(), "login of " + uid);
        return client;
    }

    public ResLogin login(ProtoClient client, long uid) throws IOException {
        client.send(ReqLogin.newBuilder().setCmd(Cmd.LOGIN.code()).setUID(uid).setToken(token(uid)).build());
        return client.receive(Cmd.LOGIN.code(), ResLogin.parser());
    }

    @Override
    public void close() throws IOException {
        for (ProtoClient c : clients) {
            c.close();
        }
        gateway.stop();
        access.stop();
        store.close();
    }
}
