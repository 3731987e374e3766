package fishchat.client.terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Lines in, lines out, no prompt and no echo: for standard input that is not a terminal
 * (a pipe, a script, a test), where a line editor would only add noise to the output.
 */
public final class PlainConsole implements Console {
    private final BufferedReader in;
    private final PrintStream out;

    public PlainConsole(InputStream in, PrintStream out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    @Override
    public String readLine() throws IOException {
        return in.readLine();
    }

    @Override
    public void show(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void close() {
        out.flush(); // the input is the process's standard input: not ours to close
    }
}
