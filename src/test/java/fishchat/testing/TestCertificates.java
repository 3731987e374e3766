package fishchat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for tests, made with the JDK's own keytool (no openssl needed)
 * and written as the PEM files an operator would have: {@code cert.pem}, {@code key.pem}
 * (PKCS#8). The certificate names 127.0.0.1 and localhost, so host name checks pass.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** Pairs made so far in this JVM: keytool takes seconds to start, tests ask for the same few names. */
    private static final java.util.Map<String, Path[]> MADE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A certificate/key pair for {@code commonName} in {@code dir}: returns {cert, key}. */
    public static Path[] create(Path dir, String commonName, String keyAlgorithm) throws IOException {
        Path[] made = MADE.get(commonName + "/" + keyAlgorithm);
        if (made == null || !Files.exists(made[0])) {
            made = generate(Files.createTempDirectory("fishchat-certs-"), commonName, keyAlgorithm);
            MADE.put(commonName + "/" + keyAlgorithm, made);
        }
        Files.createDirectories(dir);
        Path cert = Files.copy(made[0], dir.resolve(commonName + "-cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path key = Files.copy(made[1], dir.resolve(commonName + "-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Path[] {cert, key};
    }

    private static Path[] generate(Path dir, String commonName, String keyAlgorithm) throws IOException {
        Path store = dir.resolve(commonName + ".p12");
        Files.deleteIfExists(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        ProcessBuilder builder = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server",
                "-keyalg", keyAlgorithm, "-keysize", keyAlgorithm.equals("RSA") ? "2048" : "256",
                "-dname", "CN=" + commonName, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            process.destroyForcibly();
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, "changeit".toCharArray());
            Key key = keys.getKey("server", "changeit".toCharArray());
            Certificate cert = keys.getCertificate("server");
            Path certFile = dir.resolve(commonName + "-cert.pem");
            Path keyFile = dir.resolve(commonName + "-key.pem");
            Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
            for (Path made : new Path[] {dir, store, certFile, keyFile}) {
                made.toFile().deleteOnExit(); // run in reverse: the files, then their directory
            }
            return new Path[] {certFile, keyFile};
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * A client-side TLS context that trusts {@code certificate} (PEM) and nothing else, for
     * clients the tests drive by hand (a chosen TLS version, a renegotiation, a WebSocket).
     */
    public static javax.net.ssl.SSLContext trustingOnly(Path certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            javax.net.ssl.TrustManagerFactory factory =
                    javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(certificate + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts {@code pair} in place as {@code cert} and {@code key} the way certbot renews: each
     * new file written aside, then moved over the old one in one step, key first.
     */
    public static void install(Path[] pair, Path cert, Path key) throws IOException {
        for (int i : new int[] {1, 0}) {
            Path target = i == 0 ? cert : key;
            Path staged = target.resolveSibling(target.getFileName() + ".staged");
            Files.copy(pair[i], staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
