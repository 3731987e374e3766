package fishchat.chat.auth;

import fishchat.common.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The deployment's token secret: a file of hex text. Created on first start (32 random
 * bytes, mode 0600) when missing, so a fresh data dir works without set-up; an existing
 * file is only read.
 */
public final class SecretFile {
    public static final String DEFAULT_NAME = "secret";

    private SecretFile() {
    }

    public static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        return load(file);
    }

    /**
     * The secret in an existing file (0600 made sure); never creates one, since a client or a
     * token minted with a fresh secret would only be refused by every server.
     */
    public static byte[] load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null,
                    "no token secret there (a server creates it in its --data directory at first start)");
        }
        PrivateFiles.narrowIfPresent(file);
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            byte[] secret = HexFormat.of().parseHex(text);
            if (secret.length < 16) {
                throw new IOException(file + ": the secret must have at least 16 bytes (32 hex digits)");
            }
            return secret;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": the secret must be hex digits", e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path temp = PrivateFiles.tempFile(file.toAbsolutePath().getParent(), ".secret");
        Files.writeString(temp, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temp, file); // never replaces: two processes starting at once keep the first secret
        } catch (FileAlreadyExistsException e) {
            Files.delete(temp);
        }
    }
}
