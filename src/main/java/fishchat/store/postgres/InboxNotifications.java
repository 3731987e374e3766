package fishchat.store.postgres;

import fishchat.store.Delivery;
import fishchat.store.Presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The NOTIFY payloads a commit sends: {@code <origin>;<item>,<item>…} in decimal, as many items
 * per payload as fit under PostgreSQL's 8 000-byte limit. {@code origin} names the store instance
 * that committed, so that a node skips its own commits (it acted on them already). One channel
 * per kind of news, so a node of an earlier version, which listens to {@link #CHANNEL} only, is
 * never handed an item it cannot read:
 * <ul>
 * <li>{@link #CHANNEL}: {@code uid:seq}, a user's newest seq;
 * <li>{@link #OWN_CHANNEL}: {@code uid:seq}, a user's newest own copy (for sessions that asked for them);
 * <li>{@link #REVOKE_CHANNEL}: {@code uid:revokedAtMillis};
 * <li>{@link #PRESENCE_CHANNEL}: {@code uid:devices:sinceMillis}.
 * </ul>
 */
final class InboxNotifications {
    static final String CHANNEL = "fishchat_inbox";
    static final String OWN_CHANNEL = "fishchat_own";
    static final String REVOKE_CHANNEL = "fishchat_revoke";
    static final String PRESENCE_CHANNEL = "fishchat_presence";
    static final List<String> CHANNELS = List.of(CHANNEL, OWN_CHANNEL, REVOKE_CHANNEL, PRESENCE_CHANNEL);
    /** PostgreSQL refuses payloads of 8 000 bytes or more; stay well clear of it. */
    static final int MAX_PAYLOAD = 7_900;

    private InboxNotifications() {
    }

    /** Payloads announcing, for each uid, its newest seq in this commit. */
    static List<String> encode(String origin, Map<Long, Long> newestSeqs) {
        List<String> items = new ArrayList<>(newestSeqs.size());
        newestSeqs.forEach((uid, seq) -> items.add(uid + ":" + seq));
        return payloads(origin, items);
    }

    /** Payloads announcing presence changes. */
    static List<String> encodePresence(String origin, List<Presence> changes) {
        List<String> items = new ArrayList<>(changes.size());
        for (Presence p : changes) {
            items.add(p.uid() + ":" + p.devices() + ":" + p.sinceMillis());
        }
        return payloads(origin, items);
    }

    private static List<String> payloads(String origin, List<String> items) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder(origin).append(';');
        int empty = payload.length();
        for (String item : items) {
            if (payload.length() > empty && payload.length() + 1 + item.length() > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(empty);
            }
            if (payload.length() > empty) {
                payload.append(',');
            }
            payload.append(item);
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
    static List<Delivery> deliveries(String payload, boolean ownCopies) {
        List<Delivery> deliveries = new ArrayList<>();
        for (long[] pair : numbers(payload, 2)) {
            deliveries.add(new Delivery(pair[0], pair[1], ownCopies));
        }
        return deliveries;
    }

    /** The deliveries of a {@link #CHANNEL} payload. */
    static List<Delivery> deliveries(String payload) {
        return deliveries(payload, false);
    }

    /** The presence changes of a {@link #PRESENCE_CHANNEL} payload. */
    static List<Presence> presence(String payload) {
        List<Presence> changes = new ArrayList<>();
        for (long[] item : numbers(payload, 3)) {
            if (item[1] < 0 || item[1] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("bad device count in notification payload: " + item[1]);
            }
            changes.add(new Presence(item[0], (int) item[1], item[2]));
        }
        return changes;
    }

    /** The (uid, revokedAt) pairs of a {@link #REVOKE_CHANNEL} payload. */
    static List<long[]> revocations(String payload) {
        return numbers(payload, 2);
    }

    private static List<long[]> numbers(String payload, int arity) {
        String items = payload.substring(origin(payload).length() + 1);
        List<long[]> parsed = new ArrayList<>();
        if (items.isEmpty()) {
            return parsed;
        }
        for (String item : items.split(",")) {
            String[] parts = item.split(":", -1);
            if (parts.length != arity) {
                throw new IllegalArgumentException("bad item in notification payload: " + item);
            }
            long[] values = new long[arity];
            for (int i = 0; i < arity; i++) {
                values[i] = Long.parseLong(parts[i]); // NumberFormatException is an IllegalArgumentException
            }
            parsed.add(values);
        }
        return parsed;
    }
}
