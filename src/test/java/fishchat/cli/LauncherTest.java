package fishchat.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/fishchat as an operator runs it, with a stand-in JDK that records what it was asked to
 * run: the JVM flags a node needs are passed (an out-of-memory node ends, so that its
 * supervisor restarts it), and FISHCHAT_JAVA_OPTS comes last, to add or override.
 */
class LauncherTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    @TempDir
    Path dir;

    @Test
    void theLauncherEndsAnOutOfMemoryNodeAndLetsOptionsOverride() throws Exception {
        Path install = dir.resolve("fishchat");
        Files.createDirectories(install.resolve("bin/lib"));
        Files.createDirectories(install.resolve("lib"));
        Files.copy(ROOT.resolve("bin/fishchat"), install.resolve("bin/fishchat"));
        for (String lib : List.of("jdk.sh", "node.sh")) {
            Files.copy(ROOT.resolve("bin/lib/" + lib), install.resolve("bin/lib/" + lib));
        }
        Files.createFile(install.resolve("lib/fishchat.jar"));
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path args = dir.resolve("args");
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > " + args + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder builder = new ProcessBuilder(install.resolve("bin/fishchat").toString(), "standalone")
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        builder.environment().put("FISHCHAT_JAVA_OPTS", "-Xmx1g");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);

        List<String> passed = Files.readAllLines(args);
        assertTrue(passed.contains("-XX:+ExitOnOutOfMemoryError"), passed.toString());
        assertTrue(passed.indexOf("-Xmx1g") < passed.indexOf("-jar"), passed.toString());
        assertTrue(passed.indexOf("-XX:+ExitOnOutOfMemoryError") < passed.indexOf("-Xmx1g"), "FISHCHAT_JAVA_OPTS last: " + passed);
        assertEquals(List.of("-jar", install.resolve("lib/fishchat.jar").toString(), "standalone"),
                passed.subList(passed.size() - 3, passed.size()));
    }
}
