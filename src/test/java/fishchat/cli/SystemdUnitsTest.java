package fishchat.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The systemd units in {@code etc/systemd/}, the example configs in {@code etc/} and
 * {@code bin/install-systemd}. The structural checks always run; {@code systemd-analyze
 * verify} runs in addition when it is installed (Debian: package {@code systemd}).
 */
class SystemdUnitsTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    private static final Path UNIT_DIR = ROOT.resolve("etc/systemd");
    private static final String LAUNCHER = "/opt/fishchat/bin/fishchat";
    /** Unit file → the role it runs. */
    private static final Map<String, String> UNITS = Map.of(
            "fishchat-gateway.service", "gateway",
            "fishchat-access@.service", "access",
            "fishchat-standalone.service", "standalone");
    private static final Set<String> SECTIONS = Set.of("Unit", "Service", "Install");
    private static final Pattern SECTION = Pattern.compile("^\\[([A-Za-z]+)]$");
    private static final Pattern ENTRY = Pattern.compile("^([A-Z][A-Za-z0-9]*)=(.*)$");
    private static final Pattern EXEC_START = Pattern.compile(
            "^" + Pattern.quote(LAUNCHER) + " (gateway|access|standalone) --config /etc/fishchat/(\\S+\\.properties)$");
    private static final Pattern PROPERTY_KEY = Pattern.compile("^(?:(gateway|access|standalone)\\.)?[a-z][a-z0-9-]*$");

    @TempDir
    Path tmp;

    /** A unit file as systemd reads it: section → key → values (a key may repeat). */
    private record Unit(String name, Map<String, Map<String, List<String>>> sections) {
        List<String> all(String section, String key) {
            return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
        }

        /** The value in effect (the last assignment), or null. */
        String get(String section, String key) {
            List<String> values = all(section, key);
            return values.isEmpty() ? null : values.getLast();
        }

        void require(String section, String key, String expected) {
            assertEquals(expected, get(section, key), name + ": [" + section + "] " + key);
        }
    }

    /** Strict parse: only [Unit]/[Service]/[Install], comments, blank lines and Key=Value lines. */
    private static Unit parse(Path file) throws IOException {
        String name = file.getFileName().toString();
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        String section = null;
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String where = name + ":" + lineNo + ": ";
            assertFalse(line.endsWith("\\"), where + "no line continuations, please: " + raw);
            Matcher header = SECTION.matcher(line);
            if (header.matches()) {
                section = header.group(1);
                assertTrue(SECTIONS.contains(section), where + "unexpected section [" + section + "]");
                assertFalse(sections.containsKey(section), where + "section [" + section + "] twice");
                sections.put(section, new LinkedHashMap<>());
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            assertTrue(entry.matches(), where + "not a Key=Value line: " + raw);
            assertNotNull(section, where + "entry before the first section");
            sections.get(section).computeIfAbsent(entry.group(1), k -> new ArrayList<>()).add(entry.group(2).strip());
        }
        assertEquals(List.of("Unit", "Service", "Install"), List.copyOf(sections.keySet()), name + ": sections");
        return new Unit(name, sections);
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void unitsAreWellFormedAndCarryTheRequiredSettings() throws IOException {
        for (Map.Entry<String, String> e : UNITS.entrySet()) {
            Path file = UNIT_DIR.resolve(e.getKey());
            assertTrue(Files.isRegularFile(file), "missing " + file);
            Unit u = parse(file);
            String role = e.getValue();

            assertNotNull(u.get("Unit", "Description"), u.name + ": Description");
            assertTrue(u.all("Unit", "After").stream().anyMatch(v -> v.contains("network-online.target")),
                    u.name + ": After=network-online.target");
            assertTrue(u.all("Unit", "Wants").stream().anyMatch(v -> v.contains("network-online.target")),
                    u.name + ": Wants=network-online.target");

            assertEquals(1, u.all("Service", "ExecStart").size(), u.name + ": one ExecStart");
            Matcher exec = EXEC_START.matcher(u.get("Service", "ExecStart"));
            assertTrue(exec.matches(), u.name + ": ExecStart must be '" + LAUNCHER + " <role> --config /etc/fishchat/X.properties', is "
                    + u.get("Service", "ExecStart"));
            assertEquals(role, exec.group(1), u.name + ": role in ExecStart");
            String config = exec.group(2);
            u.require("Service", "User", "fishchat");
            u.require("Service", "Group", "fishchat");
            u.require("Service", "LimitNOFILE", "1048576");
            u.require("Service", "Restart", "on-failure");
            u.require("Service", "RestartSec", "2s");
            u.require("Service", "KillSignal", "SIGTERM");
            u.require("Service", "TimeoutStopSec", "30s");
            u.require("Service", "EnvironmentFile", "-/etc/default/fishchat");
            assertTrue(u.all("Service", "Environment").stream().anyMatch(v -> v.startsWith("FISHCHAT_JAVA_OPTS=")),
                    u.name + ": Environment=FISHCHAT_JAVA_OPTS= placeholder");
            for (String yes : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                    "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups",
                    "RestrictSUIDSGID", "LockPersonality")) {
                u.require("Service", yes, "yes");
            }
            u.require("Service", "ProtectSystem", "strict");
            u.require("Service", "RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX");
            // The JIT needs writable+executable memory.
            assertFalse("yes".equals(u.get("Service", "MemoryDenyWriteExecute")), u.name + ": MemoryDenyWriteExecute=yes breaks the JVM");
            List<String> stateDirs = List.of(String.join(" ", u.all("Service", "StateDirectory")).split("\\s+"));
            assertTrue(stateDirs.contains("fishchat"), u.name + ": StateDirectory=fishchat");
            u.require("Install", "WantedBy", "multi-user.target");

            // The config it names is shipped as an example, and a data dir in it is one the unit makes writable.
            String example = config.replace("%i", "1");
            Path exampleFile = ROOT.resolve("etc").resolve(example);
            assertTrue(Files.isRegularFile(exampleFile), u.name + ": no example etc/" + example + " for " + config);
            Properties p = properties(exampleFile);
            String data = p.getProperty("data");
            if (role.equals("access")) {
                assertTrue(stateDirs.contains("fishchat/access-%i"), u.name + ": StateDirectory=fishchat/access-%i");
                assertEquals("/var/lib/fishchat/access-1", data, example + ": data");
            } else if (role.equals("standalone")) {
                assertEquals("/var/lib/fishchat", data, example + ": data");
            }
        }
    }

    @Test
    void exampleConfigsHoldOnlyPlainKeys() throws IOException {
        for (String name : List.of("gateway.properties", "access-1.properties", "standalone.properties")) {
            Path file = ROOT.resolve("etc").resolve(name);
            int lineNo = 0;
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                assertTrue(eq > 0, name + ":" + lineNo + ": not key=value: " + raw);
                String key = line.substring(0, eq);
                assertTrue(PROPERTY_KEY.matcher(key).matches(), name + ":" + lineNo + ": key '" + key + "' is not a flag name");
            }
            Properties p = properties(file);
            String listen = p.getProperty(name.startsWith("standalone") ? "gateway-listen" : "listen");
            assertNotNull(listen, name + ": listen address");
            assertTrue(listen.startsWith("127.0.0.1:"), name + ": examples listen on loopback, got " + listen);
        }
    }

    /**
     * {@code systemd-analyze verify} also checks that ExecStart's binary exists and is
     * executable, and /opt/fishchat/bin/fishchat does not exist on a build machine.
     * {@code --root=DIR} with a fake /opt/fishchat does not help: it then needs a whole
     * systemd tree under DIR ("Unit sysinit.target not found"). So each unit is copied to a
     * temp dir with the launcher path rewritten to a temp executable script; everything else
     * is verified as written. The template is verified as itself and as instance @1.
     * "Unknown key" is only a warning (exit 0), hence the output check.
     */
    @Test
    void systemdAnalyzeVerifyAcceptsTheUnits() throws IOException, InterruptedException {
        Optional<Path> analyze = onPath("systemd-analyze");
        assumeTrue(analyze.isPresent(), "systemd-analyze not installed: structural checks only");

        Path fakeLauncher = tmp.resolve("fishchat");
        Files.writeString(fakeLauncher, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(fakeLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createDirectories(tmp.resolve("units"));
        List<String> command = new ArrayList<>(List.of(analyze.get().toString(), "verify", "--man=no"));
        for (String name : UNITS.keySet()) {
            String text = Files.readString(UNIT_DIR.resolve(name), StandardCharsets.UTF_8);
            assertTrue(text.contains("ExecStart=" + LAUNCHER + " "), name);
            String rewritten = text.replace("ExecStart=" + LAUNCHER + " ", "ExecStart=" + fakeLauncher + " ");
            List<String> copies = name.endsWith("@.service") ? List.of(name, name.replace("@.", "@1.")) : List.of(name);
            for (String copy : copies) {
                Path target = dir.resolve(copy);
                Files.writeString(target, rewritten, StandardCharsets.UTF_8);
                command.add(target.toString());
            }
        }
        Result r = run(command, ROOT, 60);
        List<String> bad = r.output.lines()
                .filter(l -> l.contains("Unknown key") || l.contains("Unknown section") || l.contains("Failed")
                        || l.contains("ignoring") || l.contains("Invalid") || l.contains("not executable"))
                .toList();
        assertEquals(List.of(), bad, "systemd-analyze verify complaints; full output:\n" + r.output);
        assertEquals(0, r.exit, "systemd-analyze verify exit code; output:\n" + r.output);
    }

    @Test
    void installSystemdDryRunChangesNothing() throws IOException, InterruptedException {
        Path jar = Files.writeString(tmp.resolve("dummy.jar"), "not really a jar");
        Path prefix = tmp.resolve("prefix");
        Result r = run(List.of("bash", ROOT.resolve("bin/install-systemd").toString(),
                "--dry-run", "--prefix", prefix.toString(), "--jar", jar.toString()), ROOT, 60);
        assertEquals(0, r.exit, "install-systemd --dry-run; output:\n" + r.output);
        assertTrue(r.output.contains(" -> " + prefix.resolve("lib/fishchat.jar") + " (mode 0644)"), r.output);
        for (String unit : UNITS.keySet()) {
            assertTrue(r.output.contains("/etc/systemd/system/" + unit), unit + " not installed; output:\n" + r.output);
        }
        assertTrue(r.output.contains("dry run finished"), r.output);
        assertFalse(Files.exists(prefix), "--dry-run created " + prefix);

        Result missing = run(List.of("bash", ROOT.resolve("bin/install-systemd").toString(),
                "--dry-run", "--prefix", prefix.toString(), "--jar", tmp.resolve("absent.jar").toString()), ROOT, 60);
        assertEquals(1, missing.exit, "a missing jar must fail; output:\n" + missing.output);
        assertTrue(missing.output.contains("no such file"), missing.output);

        Result relative = run(List.of("bash", ROOT.resolve("bin/install-systemd").toString(),
                "--dry-run", "--prefix", "opt/fishchat", "--jar", jar.toString()), ROOT, 60);
        assertEquals(2, relative.exit, "a relative prefix must be refused; output:\n" + relative.output);
    }

    private record Result(int exit, String output) {
    }

    private Result run(List<String> command, Path cwd, int seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail(command + " did not finish within " + seconds + " s; output:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        try (Stream<String> dirs = Stream.of(path.split(java.io.File.pathSeparator))) {
            return dirs.filter(d -> !d.isEmpty()).map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
        }
    }
}
