package fishchat.client;

import fishchat.protocol.ErrorCode;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sends the outbox in order on whatever connection the chat has, one request at a time,
 * and removes each entry only when the server has answered it. A request whose connection
 * failed is sent again on the next one with the same msgID (the server stores it once); a
 * refusal the server may lift (too fast, store unavailable) is tried again after a pause;
 * any other refusal is reported in words and dropped.
 */
public final class OutboxSender {
    /** Refusals where nothing was stored and a later try can succeed. */
    private static final Set<ErrorCode> TRY_AGAIN = Set.of(ErrorCode.RATE_LIMITED, ErrorCode.SERVER_ERR);

    private final Outbox outbox;
    private final ReconnectingChat chat;
    private final Consumer<String> notices;
    private final Backoff pause;
    private Thread thread;

    /** @param notices receives one line per thing worth telling ("sent to 5", "resent 2 pending messages") */
    public OutboxSender(Outbox outbox, ReconnectingChat chat, Consumer<String> notices) {
        this(outbox, chat, notices, Backoff.standard());
    }

    OutboxSender(Outbox outbox, ReconnectingChat chat, Consumer<String> notices, Backoff pause) {
        this.outbox = outbox;
        this.chat = chat;
        this.notices = notices;
        this.pause = pause;
    }

    public OutboxSender start() {
        thread = Thread.ofVirtual().name("chat-outbox-" + chat.uid()).start(this::run);
        return this;
    }

    private void run() {
        ChatClient failed = null;
        int resent = 0;
        int tries = 0;
        try {
            while (true) {
                Outbox.Entry entry = outbox.awaitHead();
                ChatClient client = chat.awaitConnected(failed);
                if (client == null) {
                    return; // the chat stopped for good
                }
                Outgoing request = entry.request();
                ErrorCode answer;
                try {
                    answer = request.sendOn(client);
                } catch (IOException lost) {
                    if (Thread.currentThread().isInterrupted()) {
                        return; // stopped mid-request: the connection is closed by its owner
                    }
                    // No answer: maybe stored, maybe not. The same request with the same msgID
                    // goes out on the next connection; a connection that merely stopped
                    // answering is cut so that the next one comes sooner.
                    failed = client;
                    outbox.deferAll();
                    client.abort();
                    continue;
                }
                failed = null;
                if (answer != null && TRY_AGAIN.contains(answer)) {
                    if (tries == 0) {
                        notices.accept(ErrorWords.of(answer, request.attempt(chat.uid()).limitedTo(client.maxMessageBytes())) + "; trying again");
                    }
                    Thread.sleep(pause.delay(tries++).toMillis());
                    continue;
                }
                if (answer == ErrorCode.NOT_LOGGED_IN) {
                    // The server no longer knows this session as logged in: a new connection logs in again.
                    failed = client;
                    outbox.deferAll();
                    client.abort();
                    continue;
                }
                tries = 0;
                boolean wasDeferred = outbox.remove(entry);
                if (answer == ErrorCode.OK) {
                    if (wasDeferred && request.isMessage()) {
                        resent++;
                    } else {
                        notices.accept(request.done());
                    }
                } else {
                    notices.accept(request.notDone() + ": " + (answer == null
                            ? "the server refused it with a code this client does not know"
                            : ErrorWords.of(answer, request.attempt(chat.uid()).limitedTo(client.maxMessageBytes()))));
                }
                if (resent > 0 && !outbox.anyDeferred()) {
                    notices.accept("resent " + resent + " pending message" + (resent == 1 ? "" : "s"));
                    resent = 0;
                }
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    public void stop() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
