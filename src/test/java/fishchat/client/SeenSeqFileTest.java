package fishchat.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeenSeqFileTest {
    @TempDir
    Path dir;

    @Test
    void missingUntilWrittenThenReadBack() throws Exception {
        SeenSeqFile file = SeenSeqFile.of(dir, "127.0.0.1:10000", 3);
        assertEquals(OptionalLong.empty(), file.read());
        file.write(41);
        file.write(57);
        assertEquals(OptionalLong.of(57), SeenSeqFile.of(dir, "127.0.0.1:10000", 3).read());
    }

    @Test
    void onlyTheOwnerMayReadItAndNoTempFileIsLeft() throws Exception {
        SeenSeqFile file = SeenSeqFile.of(dir, "127.0.0.1:10000", 3);
        file.write(5);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path().getParent())));
        try (var listing = Files.list(file.path().getParent())) {
            assertEquals(List.of(file.path()), listing.toList());
        }
    }

    @Test
    void eachServerAndUidHasItsOwn() throws Exception {
        SeenSeqFile.of(dir, "127.0.0.1:10000", 3).write(10);
        SeenSeqFile.of(dir, "127.0.0.1:10000", 4).write(20);
        SeenSeqFile.of(dir, "[::1]:10000", 3).write(30);
        assertEquals(OptionalLong.of(10), SeenSeqFile.of(dir, "127.0.0.1:10000", 3).read());
        assertEquals(OptionalLong.of(20), SeenSeqFile.of(dir, "127.0.0.1:10000", 4).read());
        assertEquals(OptionalLong.of(30), SeenSeqFile.of(dir, "[::1]:10000", 3).read());
        assertNotEquals(SeenSeqFile.of(dir, "a:1", 3).path(), SeenSeqFile.of(dir, "a:2", 3).path());
    }

    @Test
    void theKeeperWritesTheNewestAtCloseAtTheLatest() throws Exception {
        SeenSeqFile file = SeenSeqFile.of(dir, "127.0.0.1:10000", 3);
        List<String> problems = new CopyOnWriteArrayList<>();
        try (SeenSeqKeeper keeper = new SeenSeqKeeper(file, -1, Duration.ofMinutes(10), problems::add)) {
            keeper.advance(7);
            keeper.advance(9);
            keeper.advance(8); // older than what was seen: ignored
        }
        assertEquals(OptionalLong.of(9), file.read());
        assertEquals(List.of(), problems);
    }

    @Test
    void configDirFollowsXdgElseHome() {
        assertEquals(Path.of("/x/cfg/fishchat"), ConfigDir.of(Map.of("XDG_CONFIG_HOME", "/x/cfg"), "/home/u"));
        assertEquals(Path.of("/home/u/.config/fishchat"), ConfigDir.of(Map.of(), "/home/u"));
        assertEquals(Path.of("/home/u/.config/fishchat"), ConfigDir.of(Map.of("XDG_CONFIG_HOME", "relative"), "/home/u"));
        assertTrue(ConfigDir.current().endsWith("fishchat"));
    }
}
