package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.LegacyMd5Tokens;
import fishchat.chat.auth.SecretFile;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Where a client program gets its login token: given, minted from a data dir, or legacy md5. */
final class ClientTokenFlags {
    @Option(names = "--token", paramLabel = "TOKEN", description = "Login token (from 'fishchat token').")
    String token;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Mint tokens with the secret of this data directory (same machine as the server).")
    Path data;

    @Option(names = "--legacy-md5", description = "Use FishChatServer2's md5(uid + salt) tokens (server runs --auth legacy-md5).")
    boolean legacy;

    @Option(names = "--legacy-salt", defaultValue = LegacyMd5Tokens.DEFAULT_SALT, paramLabel = "SALT",
            description = "Salt of legacy-md5 tokens (default: FishChatServer2's).")
    String legacySalt;

    /** Makes tokens for uids; fails with a clear message when no source was given. */
    interface Minter {
        String tokenFor(long uid);
    }

    /** True when a token source was given: --token, --data or --legacy-md5. */
    boolean given() {
        return token != null || data != null || legacy;
    }

    Minter minter() throws IOException {
        if (token != null) {
            String given = token;
            return uid -> given;
        }
        if (legacy) {
            LegacyMd5Tokens tokens = new LegacyMd5Tokens(legacySalt);
            return tokens::tokenFor;
        }
        if (data != null) {
            Path secretFile = data.resolve(SecretFile.DEFAULT_NAME);
            byte[] secret;
            try {
                secret = SecretFile.load(secretFile);
            } catch (java.nio.file.NoSuchFileException e) {
                // The bare exception says only the path; say what it is and what to do.
                throw new IOException("no token secret at " + secretFile + " (the server creates it: start it with --data "
                        + data + " first, or give --token)", e);
            }
            HmacTokens tokens = new HmacTokens(secret, Clock.systemUTC());
            return uid -> tokens.mint(uid, Duration.ofHours(24));
        }
        // A flag error of the command running (Main says it on one line, naming the command).
        throw new IllegalArgumentException("give --token, --data DIR or --legacy-md5");
    }
}
