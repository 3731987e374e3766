package fishchat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which package may use which (docs/ARCHITECTURE.md draws it): read from the sources, every
 * {@code import fishchat.…} and every fully named {@code fishchat.….Type} in code (comments
 * left out) must be allowed here. Arrows point down to what is used; nothing points back up,
 * so a new storage engine or registry client is a new package behind an interface, and no
 * handler changes. A package not listed is an error too: a new package says where it sits.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of(System.getProperty("user.dir"), "src/main/java");

    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            entry("fishchat.common", Set.of()),
            entry("fishchat.metrics", Set.of()),
            entry("fishchat.protocol", Set.of("fishchat.protocol.external")),
            entry("fishchat.libnet", Set.of("fishchat.common")),
            entry("fishchat.http", Set.of("fishchat.libnet", "fishchat.common")),
            entry("fishchat.discovery", Set.of()),
            entry("fishchat.discovery.etcd", Set.of("fishchat.discovery", "fishchat.common")),
            entry("fishchat.store", Set.of("fishchat.metrics", "fishchat.common")),
            entry("fishchat.store.jdbc", Set.of("fishchat.store", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.store.sqlite", Set.of("fishchat.store", "fishchat.store.jdbc", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.store.postgres", Set.of("fishchat.store", "fishchat.store.jdbc", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.chat", Set.of("fishchat.store", "fishchat.protocol", "fishchat.protocol.external", "fishchat.common")),
            entry("fishchat.chat.auth", Set.of("fishchat.protocol", "fishchat.common")),
            entry("fishchat.access", Set.of("fishchat.libnet", "fishchat.protocol", "fishchat.protocol.external",
                    "fishchat.chat", "fishchat.chat.auth", "fishchat.store", "fishchat.discovery", "fishchat.metrics",
                    "fishchat.common")),
            entry("fishchat.gateway", Set.of("fishchat.libnet", "fishchat.protocol", "fishchat.protocol.external",
                    "fishchat.discovery", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.web", Set.of("fishchat.http", "fishchat.libnet", "fishchat.gateway", "fishchat.common")),
            entry("fishchat.admin", Set.of("fishchat.http", "fishchat.libnet", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.api", Set.of("fishchat.access", "fishchat.chat", "fishchat.chat.auth", "fishchat.store",
                    "fishchat.protocol", "fishchat.http", "fishchat.libnet", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.node", Set.of("fishchat.access", "fishchat.gateway", "fishchat.web", "fishchat.admin",
                    "fishchat.api", "fishchat.chat", "fishchat.chat.auth", "fishchat.store", "fishchat.discovery",
                    "fishchat.libnet", "fishchat.metrics", "fishchat.common")),
            entry("fishchat.client", Set.of("fishchat.libnet", "fishchat.protocol", "fishchat.protocol.external",
                    "fishchat.common")),
            entry("fishchat.client.terminal", Set.of("fishchat.client", "fishchat.protocol", "fishchat.protocol.external",
                    "fishchat.common")),
            entry("fishchat.bench", Set.of("fishchat.client", "fishchat.libnet", "fishchat.protocol",
                    "fishchat.protocol.external", "fishchat.common")),
            entry("fishchat.bench.attack", Set.of("fishchat.bench", "fishchat.client", "fishchat.libnet",
                    "fishchat.protocol", "fishchat.protocol.external", "fishchat.common")),
            entry("fishchat.cli", Set.of("*")));

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\bfishchat((?:\\.[a-z]\\w*)+)\\.[A-Z]");

    @Test
    void everyPackageUsesOnlyWhatItMay() throws IOException {
        List<String> broken = new ArrayList<>();
        Set<String> unlisted = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES.resolve("fishchat"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher declared = PACKAGE.matcher(text);
                if (!declared.find()) {
                    continue;
                }
                String own = declared.group(1);
                Set<String> allowed = MAY_USE.get(own);
                if (allowed == null) {
                    unlisted.add(own);
                    continue;
                }
                Matcher used = REFERENCE.matcher(COMMENT.matcher(text).replaceAll(""));
                while (used.find()) {
                    String target = "fishchat" + used.group(1);
                    if (!target.equals(own) && !allowed.contains("*") && !allowed.contains(target)) {
                        broken.add(SOURCES.relativize(file) + " uses " + target);
                    }
                }
            }
        }
        assertEquals(Set.of(), unlisted, "packages that do not say where they sit (add them to MAY_USE and docs/ARCHITECTURE.md)");
        assertEquals(List.of(), broken.stream().distinct().toList());
    }
}
