package fishchat.testing;

import fishchat.cli.Main;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * The test's classpath with the project's classes directory replaced by a jar of it, for a
 * server started as a process. A release runs from one jar, opened at start-up: a class
 * loaded later is read through that open file. From a classes directory every class loaded
 * later opens a file of its own, so a process out of file descriptors (what
 * ServerProcessLimitsTest does to it) fails to load it, and the JVM then fails that class for
 * good (a failed resolution is remembered): the test would find a fault the product does not
 * have. Built once per test JVM, in a temporary file removed at exit.
 */
final class ProductionClassPath {
    private static String classPath;

    private ProductionClassPath() {
    }

    static synchronized String get() {
        if (classPath == null) {
            classPath = build();
        }
        return classPath;
    }

    private static String build() {
        Path classes = classesDirectory();
        Path jar = jarOf(classes);
        List<String> entries = new ArrayList<>();
        boolean replaced = false;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            boolean isClasses = Path.of(entry).toAbsolutePath().equals(classes);
            entries.add(isClasses ? jar.toString() : entry);
            replaced |= isClasses;
        }
        if (!replaced) {
            throw new IllegalStateException(classes + " is not on the test's classpath as such: " + System.getProperty("java.class.path"));
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static Path classesDirectory() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path jarOf(Path classes) {
        if (!Files.isDirectory(classes)) {
            return classes; // already a jar
        }
        try {
            Path jar = Files.createTempFile("fishchat-classes-", ".jar");
            jar.toFile().deleteOnExit();
            Files.delete(jar); // the jar tool creates it
            StringWriter errors = new StringWriter();
            int status = ToolProvider.findFirst("jar").orElseThrow().run(new PrintWriter(System.out),
                    new PrintWriter(errors), "--create", "--file", jar.toString(), "-C", classes.toString(), ".");
            if (status != 0) {
                throw new IllegalStateException("jar of " + classes + " failed (" + status + "): " + errors);
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
