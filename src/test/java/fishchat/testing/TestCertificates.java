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

    /** A certificate/key pair for {@code commonName} in {@code dir}: returns {cert, key}. */
    public static Path[] create(Path dir, String commonName, String keyAlgorithm) throws IOException {
        Files.createDirectories(dir);
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
            return new Path[] {certFile, keyFile};
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
