package fishchat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fishchat}: the command line of every fishchat program. */
@Command(name = "fishchat",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Instant-messaging server on virtual threads, wire-compatible with FishChatServer2.",
        subcommands = {
            StandaloneCommand.class,
            GatewayCommand.class,
            AccessCommand.class,
            TokenCommand.class,
            ChatCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Before anything logs: keep logging alive through shutdown hooks.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
        // etcd4j's Netty: no sun.misc.Unsafe (JDK 25 warns about it; JDK 21 has no flag to silence it).
        if (System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
        Logging.init();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"fishchat " + (version == null ? "(development build)" : version)
                    + " on Java " + Runtime.version()};
        }
    }
}
