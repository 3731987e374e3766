package fishchat.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the load was told: every message a sender got errCode 0 for, filed under its
 * recipient in the order the acknowledgements came. Only an errCode-0 answer puts a message
 * here; a message whose answer was lost (90001, a cut connection) is not, even if the store
 * did take it.
 */
final class Ledger {
    /** One acknowledged message. */
    record Entry(long sender, String msgId, String text) {
    }

    private final Map<Long, List<Entry>> byRecipient = new ConcurrentHashMap<>();
    private final LongAdder sent = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder abandoned = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    /** A new message (a new msgID), before its first attempt. */
    void sent() {
        sent.increment();
    }

    void attempt() {
        attempts.increment();
    }

    /** Why an attempt failed: an error code, or "io" for a connection that broke. */
    void failed(String why) {
        failures.computeIfAbsent(why, k -> new LongAdder()).increment();
    }

    void acknowledged(long recipient, Entry entry) {
        List<Entry> inbox = byRecipient.computeIfAbsent(recipient, k -> new ArrayList<>());
        synchronized (inbox) {
            inbox.add(entry);
        }
        acknowledged.increment();
    }

    /** A message given up after its attempts ran out: not acknowledged, maybe stored. */
    void abandoned() {
        abandoned.increment();
    }

    /** A copy of the recipient's acknowledged messages, in acknowledgement order. */
    List<Entry> entriesFor(long recipient) {
        List<Entry> inbox = byRecipient.get(recipient);
        if (inbox == null) {
            return List.of();
        }
        synchronized (inbox) {
            return List.copyOf(inbox);
        }
    }

    long sentCount() {
        return sent.sum();
    }

    long attemptCount() {
        return attempts.sum();
    }

    long acknowledgedCount() {
        return acknowledged.sum();
    }

    long abandonedCount() {
        return abandoned.sum();
    }

    /** Failed attempts by reason, e.g. {@code {90001=12, io=30}}. */
    Map<String, Long> failures() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        failures.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
