package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.client.ChatClient;
import fishchat.libnet.TlsTrust;
import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.offsetMsg;
import fishchat.testing.Await;
import fishchat.testing.FishchatProcess;
import fishchat.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fishchat standalone} with TLS ports, as a real process: a TLS client is handed the
 * TLS access address, chats with a plaintext (FishChatServer2-style) client, and a renewed
 * certificate is picked up on SIGHUP without dropping it.
 */
class TlsProcessTest {
    private static final String SECRET_HEX = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path data;

    private FishchatProcess server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    private static InetSocketAddress address(Matcher m, int group) {
        return new InetSocketAddress(m.group(group), Integer.parseInt(m.group(group + 1)));
    }

    @Test
    void tlsAndPlaintextClientsChatAndASighupRenewalKeepsSessions() throws Exception {
        Path[] first = TestCertificates.create(data.resolve("first"), "first", "EC");
        Path[] second = TestCertificates.create(data.resolve("second"), "second", "RSA");
        Path cert = data.resolve("cert.pem");
        Path key = data.resolve("key.pem");
        TestCertificates.install(first, cert, key);
        Files.writeString(data.resolve("secret"), SECRET_HEX + "\n");
        server = FishchatProcess.start("standalone", "--data", data.toString(),
                "--gateway-listen", "127.0.0.1:0", "--access-listen", "127.0.0.1:0",
                "--gateway-tls-listen", "127.0.0.1:0", "--access-tls-listen", "127.0.0.1:0",
                "--tls-cert", cert.toString(), "--tls-key", key.toString());
        Matcher ready = server.await(Pattern.compile(
                "gateway (\\S+):(\\d+), access (\\S+):(\\d+), .*, TLS gateway (\\S+):(\\d+), TLS access (\\S+):(\\d+)"), 60);
        InetSocketAddress gateway = address(ready, 1);
        InetSocketAddress tlsGateway = address(ready, 5);
        InetSocketAddress tlsAccess = address(ready, 7);

        TlsTrust trustFirst = TlsTrust.fromPem(first[0]);
        assertEquals(tlsAccess, ChatClient.askGateway(tlsGateway, null, trustFirst), "a TLS client is handed TLS");
        InetSocketAddress plainAccess = ChatClient.askGateway(gateway, null);

        HmacTokens tokens = new HmacTokens(HexFormat.of().parseHex(SECRET_HEX), Clock.systemUTC());
        Set<String> atAlice = ConcurrentHashMap.newKeySet();
        Set<String> atBob = ConcurrentHashMap.newKeySet();
        try (ChatClient alice = ChatClient.connect(tlsAccess, null, trustFirst, (offsetMsg m) -> atAlice.add(m.getMsg()));
             ChatClient bob = ChatClient.connect(plainAccess, null, (offsetMsg m) -> atBob.add(m.getMsg()))) {
            alice.login(1, tokens.mint(1, Duration.ofHours(1)), 0);
            bob.login(2, tokens.mint(2, Duration.ofHours(1)), 0);
            assertEquals(ErrorCode.OK, alice.sendP2P(2, "a1", "over tls"));
            assertEquals(ErrorCode.OK, bob.sendP2P(1, "b1", "over plaintext"));
            Await.until("both delivered", Duration.ofSeconds(10),
                    () -> atBob.contains("over tls") && atAlice.contains("over plaintext"));

            // Renewal: new files in place, then SIGHUP, as a certbot deploy hook would do.
            TestCertificates.install(second, cert, key);
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.process().pid())).start().waitFor();
            server.await(Pattern.compile("certificate reloaded from .*CN=second"), 20);

            assertThrows(SSLException.class, () -> ChatClient.askGateway(tlsGateway, null, trustFirst),
                    "new connections get the renewed certificate");
            assertEquals(tlsAccess, ChatClient.askGateway(tlsGateway, null, TlsTrust.fromPem(second[0])));
            assertEquals(ErrorCode.OK, alice.sendP2P(2, "a2", "same session after renewal"));
            Await.until("delivered after renewal", Duration.ofSeconds(10), () -> atBob.contains("same session after renewal"));
        }
        assertRenegotiationRefused(tlsAccess, second[0]);
        assertTrue(server.process().isAlive());
        assertEquals(0, server.terminate(30));
    }

    /** A TLS 1.2 client may shake hands once; asking for another (renegotiation) ends the connection. */
    private static void assertRenegotiationRefused(InetSocketAddress address, Path ca) throws Exception {
        try (var socket = (javax.net.ssl.SSLSocket) TestCertificates.trustingOnly(ca).getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            socket.startHandshake(); // a second handshake on the same connection: a renegotiation
            // The JDK client sends the ClientHello on the next write; the server's alert ends it.
            assertThrows(java.io.IOException.class, () -> {
                socket.getOutputStream().write(new byte[] {0, 0});
                socket.getOutputStream().flush();
                if (socket.getInputStream().read() < 0) {
                    throw new java.io.EOFException("closed");
                }
            });
        }
    }

    @Test
    void tlsFlagsThatDoNotGoTogetherStopTheStart() throws Exception {
        Path[] pair = TestCertificates.create(data, "one", "EC");
        assertRefused("needs --tls-cert", "standalone", "--access-tls-listen", "127.0.0.1:0");
        assertRefused("--tls-cert needs --tls-listen", "gateway", "--access-list", "127.0.0.1:1",
                "--tls-cert", pair[0].toString(), "--tls-key", pair[1].toString());
        assertRefused("go together", "access", "--tls-listen", "127.0.0.1:0", "--tls-cert", pair[0].toString());
        assertRefused("needs --access-tls-listen", "standalone", "--gateway-tls-listen", "127.0.0.1:0");
        assertRefused("needs --tls-access-list", "gateway", "--access-list", "127.0.0.1:1", "--tls-listen", "127.0.0.1:0",
                "--tls-cert", pair[0].toString(), "--tls-key", pair[1].toString());
        assertRefused("--tls-access-list needs --tls-listen", "gateway", "--access-list", "127.0.0.1:1",
                "--tls-access-list", "127.0.0.1:2");
        assertRefused("--advertise-tls", "standalone", "--gateway-tls-listen", "127.0.0.1:0",
                "--access-tls-listen", "0.0.0.0:0", "--tls-cert", pair[0].toString(), "--tls-key", pair[1].toString());
        assertRefused("does not match", "gateway", "--access-list", "127.0.0.1:1", "--listen", "127.0.0.1:0",
                "--tls-listen", "127.0.0.1:0", "--tls-access-list", "127.0.0.1:2", "--tls-cert", pair[0].toString(),
                "--tls-key", TestCertificates.create(data.resolve("b"), "two", "EC")[1].toString());
    }

    private void assertRefused(String expected, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            String[] withData = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("--data", data.toString())).toArray(String[]::new);
            code = Main.run(args[0].equals("gateway") ? args : withData, Map.of());
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(code != 0, "refused: " + String.join(" ", args));
        assertTrue(text.contains(expected), "says '" + expected + "': " + text);
    }
}
