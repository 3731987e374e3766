package fishchat.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --config FILE}: read by {@link ConfigDefaults} before parsing; declared here so that
 * every command accepts it and lists it in its help.
 */
final class ConfigFlag {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with flag values (key = flag name without dashes, optionally "
                    + "prefixed by the command: gateway.listen=...). Precedence: flag > env FISHCHAT_<KEY> > file > default.")
    Path config;
}
