package fishchat.client.terminal;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.file.Path;

/** Picks the console: JLine's line editor when a person sits at a terminal, plain lines otherwise. */
final class Consoles {
    private Consoles() {
    }

    static Console open(Path historyFile, Completions completions) throws IOException {
        if (!interactive()) {
            return new PlainConsole(System.in, System.out);
        }
        Terminal terminal = TerminalBuilder.builder()
                .system(true)
                .name("fishchat")
                .providers(providers())
                // When no provider can drive this terminal, a dumb one, without JLine's warning about it.
                .dumb(true)
                .build();
        return JLineConsole.open(terminal, historyFile, completions);
    }

    /**
     * Whether standard input and output are a terminal. JDK 21 has no Console for
     * redirected streams; JDK 22+ may have one and say so with Console.isTerminal(), which a
     * --release 21 build reaches by reflection.
     */
    static boolean interactive() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException jdk21) {
            return true;
        }
    }

    /**
     * JLine's FFM provider (JDK 22+) drives the terminal in-process, but calling native code
     * without native access enabled prints a warning on JDK 24+: it is used only when this
     * code may (bin/fishchat and the jar's manifest enable it). Otherwise the exec provider,
     * which runs stty, serves every JDK.
     */
    static String providers() {
        return nativeAccessEnabled() ? "ffm,exec" : "exec";
    }

    private static boolean nativeAccessEnabled() {
        try {
            return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(Consoles.class.getModule());
        } catch (ReflectiveOperationException jdk21) {
            return false; // JDK 21: FFM is a preview there, and JLine's FFM provider needs 22
        }
    }
}
