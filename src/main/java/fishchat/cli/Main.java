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
        // Before any TLS class loads (the JDK reads it once): a TLS 1.2 client may not ask for
        // renegotiations, each a full handshake on one admitted connection, past every rate.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
        // etcd4j's Netty: no sun.misc.Unsafe (JDK 25 warns about it; JDK 21 has no flag to silence it).
        if (System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
        Logging.init();
        // No thread of ours dies silently, and one out of memory ends the process (also when
        // run as plain java -jar, without bin/fishchat's -XX:+ExitOnOutOfMemoryError).
        Thread.setDefaultUncaughtExceptionHandler(fishchat.common.Fatal::uncaught);
        int code = run(args, System.getenv());
        Logging.flush(); // log lines are written by a background thread: let it finish
        System.exit(code);
    }

    /** Parses and runs a command; returns the exit code (2: bad flags or config). */
    static int run(String[] args, java.util.Map<String, String> env) {
        CommandLine commandLine = commandLine();
        ConfigDefaults defaults;
        try {
            defaults = ConfigDefaults.from(args, env);
        } catch (java.io.IOException e) {
            System.err.println("fishchat: " + e.getMessage());
            return 2;
        }
        java.util.Set<String> unknown = defaults.unknownKeys(commandLine.getCommandSpec());
        if (!unknown.isEmpty()) {
            System.err.println("fishchat: config file " + defaults.path() + ": unknown key(s) " + new java.util.TreeSet<>(unknown)
                    + " (keys are flag names without dashes, e.g. listen=127.0.0.1:10000)");
            return 2;
        }
        commandLine.setDefaultValueProvider(defaults);
        return commandLine.execute(args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::onFailure);
    }

    /**
     * What a command threw: a bad value found while starting (exit 2) or an environment
     * problem such as a port in use (exit 1) is one clear line; anything else is a bug and
     * keeps its stack trace.
     */
    private static int onFailure(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        String name = "fishchat " + command.getCommandName();
        if (e instanceof CommandLine.ParameterException || e instanceof CommandLine.TypeConversionException
                || e instanceof IllegalArgumentException) {
            System.err.println(name + ": " + e.getMessage());
            return 2;
        }
        if (e instanceof java.io.IOException || e instanceof fishchat.store.StoreUnavailableException) {
            System.err.println(name + ": " + e.getMessage());
            return 1;
        }
        throw e;
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
