package fishchat.client.terminal;

import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The line editor as the chat sets it up, on a terminal over in-memory streams. */
class JLineConsoleTest {
    @TempDir
    Path dir;

    private static Terminal terminal(String typed, ByteArrayOutputStream out) throws Exception {
        return new DumbTerminal("test", Terminal.TYPE_DUMB,
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8);
    }

    @Test
    void chatTextIsReadAsTypedNotAsShellSyntax() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path history = dir.resolve("state/history");
        JLineConsole console = JLineConsole.open(terminal("/to 5 don't panic!\n/to 5 a \\ b \"c\n", out), history,
                command -> List.of());
        // An apostrophe or quote opens nothing, "!" expands nothing, a backslash stays.
        assertEquals("/to 5 don't panic!", console.readLine());
        assertEquals("/to 5 a \\ b \"c", console.readLine());
        assertNull(console.readLine(), "end of input");
        console.show("[from 5 #1 2026-01-01 10:00] hi");
        console.close();
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("[from 5 #1 2026-01-01 10:00] hi"));
        // Kept for the next run (JLine's file format: "time:line", backslashes doubled).
        assertEquals(List.of("/to 5 don't panic!", "/to 5 a \\\\ b \"c"),
                Files.readAllLines(history).stream().map(l -> l.substring(l.indexOf(':') + 1)).toList());
    }

    @Test
    void theHistoryFileIsTheUsersAlone() throws Exception {
        Path history = dir.resolve("state/history");
        JLineConsole.open(terminal("", new ByteArrayOutputStream()), history, command -> List.of()).close();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history.getParent())));
    }
}
