package fishchat.libnet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files operators have (what certbot, cert-manager and {@code openssl} write):
 * a certificate chain, and an unencrypted private key in PKCS#8 ({@code BEGIN PRIVATE KEY})
 * or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) form. Anything else is refused with what to
 * run instead, rather than failing later inside the handshake.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** DER of the PKCS#8 wrapper's fixed part for an RSA key: version 0, rsaEncryption, NULL. */
    private static final byte[] RSA_ALGORITHM = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
            (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";
    private static final String ENCRYPTED = ": the key is encrypted; fishchat reads unencrypted keys (mode 0600): " + TO_PKCS8;

    private PemFiles() {
    }

    static List<X509Certificate> certificates(Path file) throws IOException {
        // Only the CERTIFICATE blocks: a combined file (HAProxy style) also holds the key.
        StringBuilder certificates = new StringBuilder();
        Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (m.find()) {
            if (m.group(1).equals("CERTIFICATE")) {
                certificates.append(m.group()).append('\n');
            }
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(certificates.toString().getBytes(StandardCharsets.US_ASCII)))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IOException(file + ": no certificate (expected -----BEGIN CERTIFICATE-----)");
            }
            return chain;
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("Proc-Type: 4,ENCRYPTED")) { // OpenSSL's legacy encrypted PKCS#1/SEC1 form
            throw new IOException(file + ENCRYPTED);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(file, der);
                case "RSA PRIVATE KEY":
                    return pkcs8(file, rsaPkcs1ToPkcs8(der));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException(file + ENCRYPTED);
                case "EC PRIVATE KEY":
                    throw new IOException(file + ": SEC1 EC key; convert it to PKCS#8: " + TO_PKCS8);
                default:
                    // e.g. "EC PARAMETERS" ahead of the key: skip
            }
        }
        throw new IOException(file + ": no private key (expected -----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + ": a private key of an algorithm this JDK cannot read (RSA, EC, EdDSA are)");
    }

    /** PKCS#1 RSAPrivateKey wrapped as PKCS#8: SEQUENCE { 0, rsaEncryption, OCTET STRING { key } }. */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] octets = tlv(0x04, pkcs1);
        byte[] body = new byte[RSA_ALGORITHM.length + octets.length];
        System.arraycopy(RSA_ALGORITHM, 0, body, 0, RSA_ALGORITHM.length);
        System.arraycopy(octets, 0, body, RSA_ALGORITHM.length, octets.length);
        return tlv(0x30, body);
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] length = n < 0x80 ? new byte[]{(byte) n}
                : n < 0x100 ? new byte[]{(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[]{(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[]{(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(value, 0, out, 1 + length.length, n);
        return out;
    }
}
