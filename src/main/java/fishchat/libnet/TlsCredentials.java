package fishchat.libnet;

import fishchat.common.Fatal;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * A server certificate and key from PEM files, as the TLS context new connections use.
 *
 * <p>Certificates are renewed while the server runs (certbot, cert-manager): {@link #reload()}
 * (on SIGHUP) and a watcher that notices the files change swap in a new context for the
 * connections accepted from then on; sessions already open keep the one they shook hands
 * with, so nobody is dropped. A reload that fails (a half-written file, a key that does not
 * match) is logged and the previous certificate stays in use.
 *
 * <p>Only TLS 1.3 and 1.2 are offered: older versions have known attacks and no client
 * from this decade needs them. Client-initiated TLS 1.2 renegotiation is refused
 * ({@code jdk.tls.rejectClientInitiatedRenegotiation}, set by {@code fishchat.cli.Main}
 * before any TLS class loads; a program that embeds a {@link FrameServer} must set it the
 * same way, since the JDK reads it once): it would let one admitted connection ask for
 * handshakes without end, past every connection rate.
 */
public final class TlsCredentials implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TlsCredentials.class.getName());
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Path certFile;
    private final Path keyFile;
    private volatile SSLContext context;
    private volatile String subject;
    private volatile FileStamp stamp;
    private Thread watcher;
    /** Told of every certificate swapped in by a reload (e.g. a WebSocket listener serving it too). */
    private final java.util.List<java.util.function.Consumer<SSLContext>> reloadListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** One reload at a time (watcher, SIGHUP handlers): a lock, not synchronized, since it reads files. */
    private final java.util.concurrent.locks.ReentrantLock reloading = new java.util.concurrent.locks.ReentrantLock();

    private TlsCredentials(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    /** Loads the files now: a bad certificate or key fails the start, not the first client. */
    public static TlsCredentials load(Path certFile, Path keyFile) throws IOException {
        TlsCredentials credentials = new TlsCredentials(Objects.requireNonNull(certFile), Objects.requireNonNull(keyFile));
        credentials.swapIn();
        return credentials;
    }

    /** Re-reads the files; on failure keeps the current certificate and returns false. */
    public boolean reload() {
        try {
            swapIn();
            LOG.log(INFO, "tls: certificate reloaded from {0}: {1}", certFile, subject);
            for (java.util.function.Consumer<SSLContext> listener : reloadListeners) {
                listener.accept(context);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "tls: reload failed, still serving the previous certificate ({0}): {1}", subject,
                    e.getMessage());
            return false;
        }
    }

    /** Watches the two files and reloads when either changes (checked every {@code period}). */
    public TlsCredentials watch(Duration period) {
        watcher = Thread.ofVirtual().name("tls-watcher").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    FileStamp now = FileStamp.of(certFile, keyFile);
                    if (now != null && !now.equals(stamp)) {
                        // Remember the stamp even when the reload fails, so a broken file is
                        // reported once, not every period; the next write changes it again.
                        stamp = now;
                        reload();
                    }
                } catch (RuntimeException | Error e) {
                    Fatal.unexpected("tls-watcher", e);
                }
            }
        });
        return this;
    }

    /** The context serving the current certificate, for a server that does its own handshakes. */
    public SSLContext context() {
        return context;
    }

    /** Calls {@code listener} with the new context after each successful reload. */
    public void onReload(java.util.function.Consumer<SSLContext> listener) {
        reloadListeners.add(listener);
    }

    /** The TLS versions offered: 1.3 and 1.2. */
    public static java.util.List<String> protocols() {
        return java.util.List.of(PROTOCOLS);
    }

    /** The subject of the certificate being served, for logs and tests. */
    public String subject() {
        return subject;
    }

    /** Wraps an accepted socket as the server side of a TLS connection (the handshake runs on first read). */
    SSLSocket wrap(Socket accepted) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, true);
        tls.setUseClientMode(false);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setUseCipherSuitesOrder(true);
        tls.setSSLParameters(parameters);
        return tls;
    }

    private void swapIn() throws IOException {
        reloading.lock();
        try {
            swapInLocked();
        } finally {
            reloading.unlock();
        }
    }

    private void swapInLocked() throws IOException {
        FileStamp before = FileStamp.of(certFile, keyFile);
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext next = SSLContext.getInstance("TLS");
            next.init(keys.getKeyManagers(), null, new SecureRandom());
            probe(chain.get(0), key);
            context = next;
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
        subject = chain.get(0).getSubjectX500Principal().getName() + ", valid until " + chain.get(0).getNotAfter().toInstant();
        stamp = before;
    }

    /** Refuses a key that does not belong to the certificate (a renewal caught half-way). */
    private static void probe(X509Certificate certificate, PrivateKey key)
            throws GeneralSecurityException, IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] data = "fishchat key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        if (!verifier.verify(signature)) {
            throw new IOException("the private key does not match the certificate");
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.interrupt();
        }
    }

    /** What the watcher compares: both files' identities (inode: a moved-in file), modification times and sizes. */
    private record FileStamp(Object certKey, long certModified, long certSize, Object keyKey, long keyModified, long keySize) {
        static FileStamp of(Path cert, Path key) {
            try {
                var c = Files.readAttributes(cert, java.nio.file.attribute.BasicFileAttributes.class);
                var k = Files.readAttributes(key, java.nio.file.attribute.BasicFileAttributes.class);
                return new FileStamp(c.fileKey(), c.lastModifiedTime().toMillis(), c.size(),
                        k.fileKey(), k.lastModifiedTime().toMillis(), k.size());
            } catch (IOException e) {
                return null; // e.g. between the delete and the rename of a renewal: look again later
            }
        }
    }
}
