package fishchat.client.terminal;

import fishchat.protocol.external.offsetMsg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What was in the inbox at login, split by what this device saw last time: of the older
 * messages only the last few of each conversation are kept (to remember where each one
 * stood), the new ones all, with a count of who wrote them.
 */
final class Backlog {
    private final MessageLines lines;
    private final long lastSeen;
    private final int earlierPerConversation;
    private final Map<Conversation, ArrayDeque<offsetMsg>> earlier = new HashMap<>();
    private int earlierTotal;
    private final List<offsetMsg> fresh = new ArrayList<>();

    /**
     * @param lastSeen the newest seq this device saw before, or -1 when it never chatted
     *                 here (then all of the inbox counts as earlier)
     */
    Backlog(MessageLines lines, long lastSeen, int earlierPerConversation) {
        this.lines = lines;
        this.lastSeen = lastSeen;
        this.earlierPerConversation = earlierPerConversation;
    }

    void add(offsetMsg m) {
        if (lastSeen >= 0 && m.getSeq() > lastSeen) {
            fresh.add(m);
            return;
        }
        earlierTotal++;
        if (earlierPerConversation <= 0) {
            return;
        }
        ArrayDeque<offsetMsg> kept = earlier.computeIfAbsent(lines.conversationOf(m), c -> new ArrayDeque<>());
        kept.addLast(m);
        if (kept.size() > earlierPerConversation) {
            kept.removeFirst();
        }
    }

    /** The earlier messages kept, oldest first across conversations, as they were written. */
    List<offsetMsg> earlierShown() {
        List<offsetMsg> shown = new ArrayList<>();
        earlier.values().forEach(shown::addAll);
        shown.sort(Comparator.comparingLong(offsetMsg::getSeq));
        return shown;
    }

    int earlierTotal() {
        return earlierTotal;
    }

    List<offsetMsg> fresh() {
        return fresh;
    }

    boolean firstVisit() {
        return lastSeen < 0;
    }

    /** "3 new messages since you were last here: 2 from 5, 1 in group 7" (most first). */
    String summary() {
        if (fresh.isEmpty()) {
            return "no new messages since you were last here";
        }
        Map<String, Integer> byOrigin = new LinkedHashMap<>();
        for (offsetMsg m : fresh) {
            byOrigin.merge(lines.origin(m), 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> counts = new ArrayList<>(byOrigin.entrySet());
        counts.sort(Map.Entry.<String, Integer>comparingByValue().reversed()); // stable: ties keep their first appearance
        StringBuilder s = new StringBuilder().append(fresh.size())
                .append(fresh.size() == 1 ? " new message" : " new messages").append(" since you were last here: ");
        for (int i = 0; i < counts.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(counts.get(i).getValue()).append(' ').append(counts.get(i).getKey());
        }
        return s.toString();
    }
}
