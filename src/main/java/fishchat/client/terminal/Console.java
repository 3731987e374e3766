package fishchat.client.terminal;

import java.io.IOException;

/** Where the user types and reads: a line editor on a terminal, or plain lines on a pipe. */
public interface Console extends AutoCloseable {
    /** The next line typed; null at the end of input (Ctrl-D, Ctrl-C, the end of a pipe). */
    String readLine() throws IOException;

    /** Prints whole lines without breaking into the one being typed. Any thread. */
    void show(String line);

    /** What this console adds to the list of commands (a line editor: that Tab completes them); "" on a pipe. */
    default String helpHint() {
        return "";
    }

    @Override
    void close();
}
