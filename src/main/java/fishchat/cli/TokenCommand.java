package fishchat.cli;

import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.SecretFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Mint a login token for a uid, signed with the deployment's secret.")
final class TokenCommand implements Callable<Integer> {
    @Mixin
    ConfigFlag config;

    @Option(names = "--uid", required = true, paramLabel = "UID", description = "User id (> 0).")
    long uid;

    @Option(names = "--ttl", defaultValue = "24h", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long the token is good for (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--data", defaultValue = "./data", paramLabel = "DIR",
            description = "Data directory whose secret signs the token (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Token secret (default: DATA/secret).")
    Path secretFile;

    @Override
    public Integer call() throws Exception {
        if (uid <= 0) {
            System.err.println("fishchat token: --uid must be > 0");
            return 2;
        }
        if (ttl.toSeconds() < 1) {
            System.err.println("fishchat token: --ttl must be at least 1s (a token that has expired already is refused)");
            return 2;
        }
        byte[] secret = SecretFile.load(AuthFlags.secretPath(secretFile, data));
        System.out.println(new HmacTokens(secret, Clock.systemUTC()).mint(uid, ttl));
        return 0;
    }
}
