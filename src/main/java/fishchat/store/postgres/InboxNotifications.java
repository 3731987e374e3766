package fishchat.store.postgres;

import fishchat.store.Delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The NOTIFY payloads a commit sends on {@link #CHANNEL}: {@code <origin>;<uid>:<seq>,<uid>:<seq>…}
 * in decimal, as many pairs per payload as fit under PostgreSQL's 8 000-byte limit.
 * {@code origin} names the store instance that committed, so that a node skips its own
 * commits (it told its sessions already, right after acknowledging the send).
 */
final class InboxNotifications {
    static final String CHANNEL = "fishchat_inbox";
    /** PostgreSQL refuses payloads of 8 000 bytes or more; stay well clear of it. */
    static final int MAX_PAYLOAD = 7_900;

    private InboxNotifications() {
    }

    /** Payloads announcing, for each uid, its newest seq in this commit. */
    static List<String> encode(String origin, Map<Long, Long> newestSeqs) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder(origin).append(';');
        int empty = payload.length();
        for (Map.Entry<Long, Long> e : newestSeqs.entrySet()) {
            String pair = e.getKey() + ":" + e.getValue();
            if (payload.length() > empty && payload.length() + 1 + pair.length() > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(empty);
            }
            if (payload.length() > empty) {
                payload.append(',');
            }
            payload.append(pair);
        }
        if (payload.length() > empty) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** The origin of a payload (its text before ';'). */
    static String origin(String payload) {
        int semicolon = payload.indexOf(';');
        if (semicolon < 0) {
            throw new IllegalArgumentException("no origin in notification payload");
        }
        return payload.substring(0, semicolon);
    }

    /** The deliveries a payload announces; throws IllegalArgumentException on anything else. */
    static List<Delivery> deliveries(String payload) {
        String pairs = payload.substring(origin(payload).length() + 1);
        List<Delivery> deliveries = new ArrayList<>();
        if (pairs.isEmpty()) {
            return deliveries;
        }
        for (String pair : pairs.split(",")) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("bad pair in notification payload: " + pair);
            }
            deliveries.add(new Delivery(Long.parseLong(pair, 0, colon, 10), Long.parseLong(pair, colon + 1, pair.length(), 10)));
        }
        return deliveries;
    }
}
