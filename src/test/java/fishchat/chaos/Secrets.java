package fishchat.chaos;

import fishchat.chat.auth.HmacTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/** The deployment's token secret, written where the servers read it, and tokens minted with it. */
final class Secrets {
    private static final String SECRET = "00112233445566778899aabbccddeeff";
    private final HmacTokens tokens = new HmacTokens(HexFormat.of().parseHex(SECRET), Clock.systemUTC());

    /** Writes the secret file the servers are given; returns its path. */
    static Path writeSecret(Path file) throws IOException {
        Files.writeString(file, SECRET + "\n");
        return file;
    }

    String token(long uid) {
        return tokens.mint(uid, Duration.ofHours(2));
    }
}
