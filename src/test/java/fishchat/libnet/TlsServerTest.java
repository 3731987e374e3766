package fishchat.libnet;

import fishchat.testing.Await;
import fishchat.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS on a frame server's second address, over real sockets with real certificates. */
class TlsServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TlsCredentials credentials(Path[] pair) throws IOException {
        TlsCredentials credentials = TlsCredentials.load(pair[0], pair[1]);
        toClose.add(credentials);
        return credentials;
    }

    /** Echoes each frame, prefixed with 1 when the session came in over TLS and 0 when not. */
    private FrameServer echoServer(ServerOptions options) throws IOException {
        FrameServer server = new FrameServer(options, (session, body) -> {
            byte[] reply = new byte[body.length + 1];
            reply[0] = (byte) (session.secure() ? 1 : 0);
            System.arraycopy(body, 0, reply, 1, body.length);
            session.send(reply);
        }).start();
        toClose.add(server);
        return server;
    }

    private static ServerOptions options(TlsCredentials credentials) {
        return ServerOptions.defaults(new InetSocketAddress("127.0.0.1", 0), "tls-test")
                .withTls(new InetSocketAddress("127.0.0.1", 0), credentials);
    }

    private FrameClient connect(InetSocketAddress address, TlsTrust trust) throws IOException {
        FrameClient client = FrameClient.connect(address, null, Duration.ofSeconds(5), trust);
        client.setReceiveTimeout(WAIT);
        toClose.add(client);
        return client;
    }

    private static void assertEcho(FrameClient client, boolean secure, byte... body) throws IOException {
        client.send(body);
        byte[] reply = client.receive();
        assertEquals(secure ? 1 : 0, reply[0], "secure flag");
        assertArrayEquals(body, java.util.Arrays.copyOfRange(reply, 1, reply.length));
    }

    @Test
    void theTlsAddressServesTheSameSessionsAsThePlaintextOne() throws IOException {
        Path[] pair = TestCertificates.create(dir, "one", "EC");
        FrameServer server = echoServer(options(credentials(pair)));
        TlsTrust trust = TlsTrust.fromPem(pair[0]);
        assertEcho(connect(server.tlsAddress(), trust), true, (byte) 1, (byte) 2);
        assertEcho(connect(server.address(), null), false, (byte) 3);
        assertEquals(2, server.sessions().size(), "one registry for both addresses");
    }

    @Test
    void onlyTls13And12AreNegotiated() throws IOException {
        Path[] pair = TestCertificates.create(dir, "rsa", "RSA");
        FrameServer server = echoServer(options(credentials(pair)));
        assertEquals("TLSv1.3", handshake(server.tlsAddress(), pair[0], "TLSv1.3"));
        assertEquals("TLSv1.2", handshake(server.tlsAddress(), pair[0], "TLSv1.2"));
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(TlsCredentials.PROTOCOLS));
    }

    /** Handshakes as a client limited to {@code protocol}; returns what was negotiated. */
    private static String handshake(InetSocketAddress address, Path ca, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) TestCertificates.trustingOnly(ca).getSocketFactory()
                .createSocket(address.getAddress(), address.getPort())) {
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWithoutDroppingOpenOnes() throws Exception {
        Path[] first = TestCertificates.create(dir.resolve("a"), "first", "EC");
        Path[] second = TestCertificates.create(dir.resolve("b"), "second", "EC");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.install(first, cert, key);
        TlsCredentials credentials = credentials(new Path[] {cert, key}).watch(Duration.ofMillis(100));
        FrameServer server = echoServer(options(credentials));
        FrameClient old = connect(server.tlsAddress(), TlsTrust.fromPem(first[0]));
        assertEcho(old, true, (byte) 1);

        TestCertificates.install(second, cert, key);
        Await.until("the watcher reloaded", WAIT, () -> credentials.subject().startsWith("CN=second"));

        assertEcho(connect(server.tlsAddress(), TlsTrust.fromPem(second[0])), true, (byte) 2);
        assertThrows(SSLException.class, () -> connect(server.tlsAddress(), TlsTrust.fromPem(first[0])),
                "new connections get the new certificate");
        assertEcho(old, true, (byte) 3);
    }

    @Test
    void aBrokenRenewalKeepsThePreviousCertificate() throws Exception {
        Path[] first = TestCertificates.create(dir.resolve("a"), "first", "EC");
        Path[] other = TestCertificates.create(dir.resolve("b"), "other", "EC");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestCertificates.install(first, cert, key);
        TlsCredentials credentials = credentials(new Path[] {cert, key});
        FrameServer server = echoServer(options(credentials));

        Files.copy(other[1], key, StandardCopyOption.REPLACE_EXISTING); // a key that is not the certificate's
        assertFalse(credentials.reload());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
        assertFalse(credentials.reload());
        assertTrue(credentials.subject().startsWith("CN=first"));
        assertEcho(connect(server.tlsAddress(), TlsTrust.fromPem(first[0])), true, (byte) 4);
    }

    @Test
    void startingWithAKeyThatIsNotTheCertificatesFails() throws IOException {
        Path[] one = TestCertificates.create(dir.resolve("a"), "one", "EC");
        Path[] two = TestCertificates.create(dir.resolve("b"), "two", "EC");
        IOException e = assertThrows(IOException.class, () -> TlsCredentials.load(one[0], two[1]));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        Files.writeString(two[1], "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        e = assertThrows(IOException.class, () -> TlsCredentials.load(one[0], two[1]));
        assertTrue(e.getMessage().contains("openssl pkcs8"), "says what to run: " + e.getMessage());
    }

    @Test
    void keysInPkcs1FormAndCombinedPemFilesLoadAndEncryptedKeysAreRefusedClearly() throws IOException {
        Path[] pair = TestCertificates.create(dir, "rsa", "RSA");
        // PKCS#8 of RSA is a fixed header around the PKCS#1 key: unwrap it as openssl -traditional writes it.
        byte[] pkcs8 = java.util.Base64.getMimeDecoder().decode(Files.readString(pair[1])
                .replaceAll("-----[A-Z ]+-----", "").trim());
        byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 4 + 3 + 15 + 4, pkcs8.length);
        Path traditional = dir.resolve("rsa-traditional.pem");
        Files.writeString(traditional, "-----BEGIN RSA PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n");
        FrameServer server = echoServer(options(credentials(new Path[] {pair[0], traditional})));
        assertEcho(connect(server.tlsAddress(), TlsTrust.fromPem(pair[0])), true, (byte) 6);

        Path combined = dir.resolve("combined.pem"); // HAProxy style: certificate and key in one file
        Files.writeString(combined, Files.readString(pair[0]) + Files.readString(pair[1]));
        credentials(new Path[] {combined, combined});

        Path encrypted = dir.resolve("encrypted.pem");
        Files.writeString(encrypted, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> TlsCredentials.load(pair[0], encrypted));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void plaintextOnTheTlsPortAndSilenceEndWithoutAnErrorOrALeftoverThread() throws Exception {
        Path[] pair = TestCertificates.create(dir, "one", "EC");
        // 3 s: the last client of this test, a well-behaved one, must finish its handshake within it.
        FrameServer server = echoServer(options(credentials(pair)).withHandshakeTimeout(Duration.ofSeconds(3)));
        FrameClient plaintext = connect(server.tlsAddress(), null);
        plaintext.send(new byte[] {1, 2, 3});
        assertThrowsOrNull(plaintext);
        Socket silent = new Socket();
        toClose.add(silent);
        silent.connect(server.tlsAddress(), 5000);
        silent.setSoTimeout((int) WAIT.toMillis());
        assertEquals(-1, silent.getInputStream().read(), "closed by the handshake timeout");
        Await.until("no session thread left", WAIT, () -> server.server().connections() == 0);
        assertEcho(connect(server.tlsAddress(), TlsTrust.fromPem(pair[0])), true, (byte) 5);
    }

    private static void assertThrowsOrNull(FrameClient client) {
        try {
            byte[] reply = client.receive();
            // The server's TLS alert is not a frame the client can read as an answer.
            assertTrue(reply == null || reply.length < 3 || reply[0] != 1, "no echo over plaintext");
        } catch (IOException expected) {
            // reset or EOF mid-frame: also fine
        }
    }

    @Test
    void aRefusalOnTheTlsPortIsAnsweredInsideTls() throws IOException {
        Path[] pair = TestCertificates.create(dir, "one", "EC");
        Frame refusal = Frame.of(new byte[] {9, 9});
        FrameServer server = echoServer(options(credentials(pair)).withMaxConnections(1)
                .withRefusals((why, retry) -> refusal));
        TlsTrust trust = TlsTrust.fromPem(pair[0]);
        assertEcho(connect(server.tlsAddress(), trust), true, (byte) 1);
        FrameClient over = connect(server.tlsAddress(), trust);
        assertArrayEquals(new byte[] {9, 9}, over.receive(), "told why, through TLS");
        assertNull(over.receive());
    }

    @Test
    void aTlsClientThatStopsReadingIsCutByTheWriteTimeout() throws Exception {
        Path[] pair = TestCertificates.create(dir, "one", "EC");
        AtomicReference<Session> serverSide = new AtomicReference<>();
        FrameServer server = new FrameServer(options(credentials(pair)).withWriteTimeout(Duration.ofSeconds(1)),
                (session, body) -> {
                    serverSide.set(session);
                    byte[] big = new byte[60_000];
                    for (int i = 0; i < 1_000 && !session.isClosed(); i++) {
                        session.send(big); // ~60 MB: far more than the socket buffers hold
                    }
                }).start();
        toClose.add(server);
        FrameClient reader = connect(server.tlsAddress(), TlsTrust.fromPem(pair[0]));
        reader.send(new byte[] {1}); // and never reads
        Await.until("cut", WAIT, () -> serverSide.get() != null && serverSide.get().isClosed());
        assertTrue(serverSide.get().closeReason().contains("write blocked"), serverSide.get().closeReason());
        Await.until("its thread ended", WAIT, () -> server.server().connections() == 0);
    }
}
