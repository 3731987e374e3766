package fishchat.testing;

import fishchat.cli.Main;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code fishchat …} as its own JVM (the test's JDK and classpath, with the project's classes
 * in a jar as a release has them: {@link ProductionClassPath}), for tests that kill it,
 * signal it or restart it. Its output goes to a file (no pipe to keep drained, nothing lost
 * at exit); {@link #await} waits for a line.
 */
public final class FishchatProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private FishchatProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static FishchatProcess start(String... args) throws IOException {
        return start(Launch.PLAIN, args);
    }

    /**
     * How the JVM is started: extra JVM options (e.g. a small -Xmx), and a shell's file limit
     * ({@code ulimit -n}) and umask for it (0 and null: left as they are).
     */
    public record Launch(List<String> jvmOptions, int fileLimit, String umask) {
        public static final Launch PLAIN = new Launch(List.of(), 0, null);

        public static Launch jvm(String... options) {
            return new Launch(List.of(options), 0, null);
        }

        public Launch withFileLimit(int value) {
            return new Launch(jvmOptions, value, umask);
        }

        public Launch withUmask(String value) {
            return new Launch(jvmOptions, fileLimit, value);
        }
    }

    public static FishchatProcess start(Launch launch, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (launch.fileLimit() > 0 || launch.umask() != null) {
            String limits = (launch.fileLimit() > 0 ? "ulimit -n " + launch.fileLimit() + "; " : "")
                    + (launch.umask() != null ? "umask " + launch.umask() + "; " : "");
            command.addAll(List.of("bash", "-c", limits + "exec \"$@\"", "fishchat"));
        }
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(launch.jvmOptions());
        command.addAll(List.of("-cp", ProductionClassPath.get(), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(freeWebPorts(List.of(args)));
        Path log = Files.createTempFile("fishchat-process-", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new FishchatProcess(process, log);
    }

    /**
     * Standalone serves browsers on fixed default ports (8080, 11080): a test that does not
     * name them gets free ones, so that test processes never collide on them.
     */
    private static List<String> freeWebPorts(List<String> args) {
        List<String> extra = new ArrayList<>();
        if (!args.isEmpty() && args.get(0).equals("standalone") && !args.contains("--no-web")) {
            if (!args.contains("--web-listen")) {
                extra.addAll(List.of("--web-listen", "127.0.0.1:0"));
            }
            if (!args.contains("--ws-listen")) {
                extra.addAll(List.of("--ws-listen", "127.0.0.1:0"));
            }
        }
        return extra;
    }

    /** Waits for a line matching {@code pattern}; returns its match. */
    public Matcher await(Pattern pattern, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String line : output().split("\n")) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no line matching " + pattern + " within " + seconds + " s; output:\n" + output());
            }
            Thread.sleep(20);
        }
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    public Process process() {
        return process;
    }

    /** The JVM's pid (a shell started for limits has exec'd into it). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the exit code. */
    public int terminate(long seconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            fail("did not exit within " + seconds + " s after SIGTERM; output:\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
