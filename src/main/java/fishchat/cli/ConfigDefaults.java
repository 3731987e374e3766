package fishchat.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Flag values that were not given on the command line, from the environment
 * ({@code FISHCHAT_ETCD_PREFIX} for {@code --etcd-prefix}) or from the {@code --config}
 * properties file ({@code etcd-prefix=…}, or {@code gateway.etcd-prefix=…} for one command
 * only). Precedence: flag &gt; environment &gt; file &gt; the flag's default.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    static final String ENV_PREFIX = "FISHCHAT_";

    private final Properties file;
    private final Path path;
    private final Map<String, String> env;

    private ConfigDefaults(Properties file, Path path, Map<String, String> env) {
        this.file = file;
        this.path = path;
        this.env = env;
    }

    /**
     * Reads the file named by {@code --config FILE} / {@code --config=FILE} in {@code args}
     * (or FISHCHAT_CONFIG); none named, only the environment counts.
     */
    static ConfigDefaults from(String[] args, Map<String, String> env) throws IOException {
        Path path = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = Path.of(args[i + 1]);
            } else if (args[i].startsWith("--config=")) {
                path = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (path == null && env.get(ENV_PREFIX + "CONFIG") != null) {
            path = Path.of(env.get(ENV_PREFIX + "CONFIG"));
        }
        Properties properties = new Properties();
        if (path != null) {
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IOException("config file " + path + ": no such file", e);
            } catch (IOException e) {
                throw new IOException("config file " + path + ": cannot read it (" + e.getMessage() + ")", e);
            }
        }
        return new ConfigDefaults(properties, path, env);
    }

    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || key(option).equals("config")) {
            return null;
        }
        String key = key(option);
        String fromEnv = env.get(envName(key));
        if (fromEnv != null) {
            return fromEnv;
        }
        String command = option.command() == null ? null : option.command().name();
        String scoped = command == null ? null : file.getProperty(command + "." + key);
        return scoped != null ? scoped : file.getProperty(key);
    }

    /**
     * Where an option's value came from when it was not given on the command line: the
     * environment variable ({@code FISHCHAT_ADMIN_LISTEN}) or the config file's key; null when
     * neither set it (its default).
     */
    String sourceOf(OptionSpec option) {
        String key = key(option);
        if (env.get(envName(key)) != null) {
            return envName(key);
        }
        String command = option.command() == null ? null : option.command().name();
        if (command != null && file.getProperty(command + "." + key) != null) {
            return "config file " + path + " (" + command + "." + key + ")";
        }
        return file.getProperty(key) != null ? "config file " + path + " (" + key + ")" : null;
    }

    /**
     * Keys of the file that no command knows (a typo would otherwise be ignored silently);
     * a {@code command.key} must be a flag of that command.
     */
    Set<String> unknownKeys(CommandSpec root) {
        Set<String> known = new HashSet<>();
        collect(root, known);
        Set<String> unknown = new HashSet<>();
        for (String key : file.stringPropertyNames()) {
            if (!known.contains(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    private static void collect(CommandSpec spec, Set<String> known) {
        for (OptionSpec option : spec.options()) {
            if (option.longestName().startsWith("--")) {
                known.add(key(option));
                known.add(spec.name() + "." + key(option));
            }
        }
        for (CommandLine sub : spec.subcommands().values()) {
            collect(sub.getCommandSpec(), known);
        }
    }

    Path path() {
        return path;
    }
}
