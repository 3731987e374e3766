package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.LegacyMd5Tokens;
import fishchat.chat.auth.SecretFile;
import fishchat.chat.auth.TokenVerifier;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** How logins are checked: --auth, --secret-file, --legacy-salt. */
final class AuthFlags {
    enum Mode { hmac, legacy_md5 }

    @Option(names = "--auth", defaultValue = "hmac", paramLabel = "MODE", converter = ModeConverter.class,
            description = "Token check: hmac (signed, expiring tokens from 'fishchat token') or legacy-md5 "
                    + "(FishChatServer2's md5(uid + salt)) (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "Token secret (hex); created with mode 0600 when missing (default: DATA/secret).")
    Path secretFile;

    @Option(names = "--legacy-salt", defaultValue = LegacyMd5Tokens.DEFAULT_SALT, paramLabel = "SALT",
            description = "Salt of legacy-md5 tokens (default: FishChatServer2's).")
    String legacySalt;

    TokenVerifier verifier(Path dataDir) throws IOException {
        if (mode == Mode.legacy_md5) {
            return new LegacyMd5Tokens(legacySalt);
        }
        return new HmacTokens(SecretFile.loadOrCreate(secretPath(secretFile, dataDir)), Clock.systemUTC());
    }

    static Path secretPath(Path secretFile, Path dataDir) {
        return secretFile != null ? secretFile : dataDir.resolve(SecretFile.DEFAULT_NAME);
    }

    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return switch (value) {
                case "hmac" -> Mode.hmac;
                case "legacy-md5" -> Mode.legacy_md5;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not an auth mode (hmac, legacy-md5)");
            };
        }
    }
}
