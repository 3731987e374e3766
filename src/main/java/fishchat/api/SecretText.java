package fishchat.api;

import fishchat.common.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A shared secret kept as one line of text in a file (the API key, the webhook signing key): the
 * text itself is the secret, so that the other side (a backend's configuration, a webhook
 * receiver) uses the file's content as it is. Created on first start, 32 random bytes as 64 hex
 * digits, mode 0600; an existing file is narrowed to 0600 and read.
 */
final class SecretText {
    /** Shorter secrets are refused: they could be guessed. */
    static final int MIN_LENGTH = 32;

    private SecretText() {
    }

    static String loadOrCreate(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        PrivateFiles.narrowIfPresent(file);
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.length() < MIN_LENGTH || text.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IOException(file + ": the " + what + " must be at least " + MIN_LENGTH
                    + " printable ASCII characters on one line");
        }
        return text;
    }

    private static void create(Path file) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path temp = PrivateFiles.tempFile(file.toAbsolutePath().getParent(), ".secret");
        Files.writeString(temp, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temp, file); // never replaces: two processes starting at once keep the first
        } catch (FileAlreadyExistsException e) {
            Files.delete(temp);
        }
    }
}
