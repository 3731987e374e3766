package fishchat.client.terminal;

import fishchat.common.PrivateFiles;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

import java.io.IOError;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A line editor on the user's terminal (JLine): messages that arrive while a line is being
 * typed print above it ({@link LineReader#printAbove}) and the line is drawn again below;
 * history (arrows, Ctrl-R) is kept in a file across runs; Tab completes the / commands and
 * the users and groups seen so far.
 */
final class JLineConsole implements Console {
    private static final String PROMPT = "> ";

    private final Terminal terminal;
    private final LineReader reader;

    private JLineConsole(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    /** @param terminal the system terminal ({@link Consoles}) or, in tests, one on given streams */
    static JLineConsole open(Terminal terminal, Path historyFile, Completions completions) {
        boolean keepHistory = true;
        try {
            // Typed messages are private: the history file is the user's alone (JLine would create it 0644).
            PrivateFiles.directory(historyFile.getParent());
            PrivateFiles.file(historyFile);
        } catch (IOException | UnsupportedOperationException e) {
            keepHistory = false; // e.g. a read-only home: history for this run only, the chat goes on
        }
        DefaultParser parser = new DefaultParser();
        // Chat text is not shell syntax: an apostrophe ("don't") must not open a quote that
        // asks for more lines, and a backslash is just a backslash.
        parser.setQuoteChars(new char[0]);
        parser.setEscapeChars(new char[0]);
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("fishchat")
                .parser(parser)
                .completer((r, line, candidates) -> {
                    if (line.wordIndex() == 0) {
                        Completions.COMMANDS.forEach(c -> candidates.add(new Candidate(c)));
                    } else if (line.wordIndex() == 1) {
                        completions.argumentsOf(line.words().get(0)).forEach(id -> candidates.add(new Candidate(id)));
                    }
                })
                .variable(LineReader.HISTORY_FILE_SIZE, 2000)
                // "hello!" is a message, not a history expansion.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        if (keepHistory) {
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        return new JLineConsole(terminal, builder.build());
    }

    @Override
    public String readLine() {
        try {
            return reader.readLine(PROMPT);
        } catch (UserInterruptException | EndOfFileException e) {
            return null; // Ctrl-C or Ctrl-D: the user is leaving
        } catch (IOError e) {
            return null; // the terminal was closed under us (the chat ended)
        }
    }

    @Override
    public String helpHint() {
        return " (Tab completes)";
    }

    @Override
    public void show(String line) {
        reader.printAbove(line);
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // history is a convenience; leaving matters more
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // leaving anyway
        }
    }
}
