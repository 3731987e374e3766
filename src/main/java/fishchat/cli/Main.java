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
        commandLine.setParameterExceptionHandler((e, given) -> onBadValue(e, given, defaults));
        return commandLine.execute(args);
    }

    /**
     * A flag or value that does not parse: one line (naming where a value came from when it
     * was not the command line: FISHCHAT_ADMIN_LISTEN, or the config file), a hint where to read
     * more, exit status 2; not the whole usage, which would bury the line that matters.
     */
    private static int onBadValue(CommandLine.ParameterException e, String[] given, ConfigDefaults defaults) {
        CommandLine command = e.getCommandLine();
        String message = e.getMessage();
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option && !namedIn(given, option)) {
            String source = defaults.sourceOf(option);
            if (source != null) {
                message = source + ": " + message.replaceFirst("^Invalid value for option '[^']*': ", "");
            }
        }
        System.err.println(command.getCommandSpec().qualifiedName() + ": " + message);
        System.err.println("  try '" + command.getCommandSpec().qualifiedName() + " --help'");
        return 2;
    }

    private static boolean namedIn(String[] given, CommandLine.Model.OptionSpec option) {
        for (String arg : given) {
            for (String name : option.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return true;
                }
            }
        }
        return false;
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::onFailure);
    }

    /**
     * What a command threw while starting, as one clear line (and at most a one-line hint), no
     * stack trace: a bad value or a port in use exits 2 (a supervisor should not retry it);
     * anything the environment may heal, such as a database that is down, exits 1. Anything
     * else is a bug and keeps its stack trace.
     */
    private static int onFailure(Exception e, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
        String name = command.getCommandSpec().qualifiedName();
        if (e instanceof StartupException startup) {
            System.err.println(name + ": " + startup.getMessage());
            if (startup.hint() != null) {
                System.err.println("  " + startup.hint());
            }
            return 2;
        }
        if (e instanceof CommandLine.ParameterException || e instanceof CommandLine.TypeConversionException
                || e instanceof IllegalArgumentException || e instanceof java.net.BindException
                || e instanceof java.nio.file.NoSuchFileException) {
            System.err.println(name + ": " + oneLine(e));
            return 2;
        }
        if (e instanceof java.io.IOException || e instanceof fishchat.store.StoreUnavailableException) {
            System.err.println(name + ": " + oneLine(e));
            return 1;
        }
        throw e;
    }

    /** A missing file says "no such file" rather than only its path, as the JDK's message is. */
    private static String oneLine(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return missing.getFile() + ": " + (missing.getReason() != null ? missing.getReason() : "no such file");
        }
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
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
