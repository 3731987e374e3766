package fishchat.chaos;

import fishchat.protocol.external.offsetMsg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds one recipient's synced inbox against its ledger entries. Each acknowledged message
 * must be there exactly once and unaltered (else lost, or duplicated); seqs must rise
 * strictly through the inbox; and a sender's acknowledged messages must sit in the order
 * they were acknowledged, since each was sent only after the one before it was stored
 * (else misordered). Stored messages no one was told were acknowledged are counted apart:
 * their answer was lost, which is allowed.
 */
final class InboxAudit {
    private static final int MAX_PROBLEMS = 20;

    long delivered;
    long lost;
    long duplicated;
    long misordered;
    long storedUnacknowledged;
    final List<String> problems = new ArrayList<>();

    void check(long recipient, List<Ledger.Entry> ledger, List<offsetMsg> inbox) {
        Map<String, List<offsetMsg>> byKey = new LinkedHashMap<>();
        long previousSeq = 0;
        for (offsetMsg m : inbox) {
            if (m.getSeq() <= previousSeq) {
                misordered++;
                problem("user " + recipient + ": seq " + m.getSeq() + " after " + previousSeq);
            }
            previousSeq = m.getSeq();
            byKey.computeIfAbsent(key(m.getSourceUID(), m.getMsgID()), k -> new ArrayList<>()).add(m);
        }
        Map<Long, Long> lastSeqOfSender = new HashMap<>();
        for (Ledger.Entry e : ledger) {
            List<offsetMsg> copies = byKey.remove(key(e.sender(), e.msgId()));
            if (copies == null) {
                lost++;
                problem("user " + recipient + ": lost " + e.msgId() + " from " + e.sender());
                continue;
            }
            offsetMsg first = copies.getFirst();
            if (!first.getMsg().equals(e.text()) || first.getTargetUID() != recipient) {
                lost++; // what is there is not what was acknowledged
                problem("user " + recipient + ": " + e.msgId() + " altered: " + first.getMsg() + " to " + first.getTargetUID());
                continue;
            }
            delivered++;
            if (copies.size() > 1) {
                duplicated += copies.size() - 1;
                problem("user " + recipient + ": " + e.msgId() + " from " + e.sender() + " " + copies.size() + " times");
            }
            Long before = lastSeqOfSender.put(e.sender(), first.getSeq());
            if (before != null && before >= first.getSeq()) {
                misordered++;
                problem("user " + recipient + ": " + e.msgId() + " (seq " + first.getSeq() + ") acknowledged after seq " + before);
            }
        }
        for (Map.Entry<String, List<offsetMsg>> unacknowledged : byKey.entrySet()) {
            storedUnacknowledged++;
            if (unacknowledged.getValue().size() > 1) {
                duplicated += unacknowledged.getValue().size() - 1;
                problem("user " + recipient + ": unacknowledged " + unacknowledged.getKey() + " stored "
                        + unacknowledged.getValue().size() + " times");
            }
        }
    }

    private static String key(long sender, String msgId) {
        return sender + "/" + msgId;
    }

    private void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }
}
