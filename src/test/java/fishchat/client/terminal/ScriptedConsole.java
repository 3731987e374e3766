package fishchat.client.terminal;

import fishchat.testing.Await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/** A console a test types into and reads from, line by line. */
final class ScriptedConsole implements Console {
    private final BlockingQueue<Optional<String>> typed = new LinkedBlockingQueue<>();
    final List<String> shown = new CopyOnWriteArrayList<>();

    void type(String line) {
        typed.add(Optional.of(line));
    }

    void endInput() {
        typed.add(Optional.empty());
    }

    void awaitShown(String line, Duration timeout) {
        Await.until("'" + line + "' shown; shown so far: " + shown, timeout, () -> shown.contains(line));
    }

    @Override
    public String readLine() {
        try {
            return typed.take().orElse(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void show(String line) {
        shown.add(line);
    }

    @Override
    public void close() {
        endInput();
    }
}
