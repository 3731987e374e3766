package fishchat.store;

/**
 * A user's presence across every node sharing the store: {@code devices} sessions logged in now;
 * {@code sinceMillis} is when it came online (online) or was last seen (offline), 0 when never seen.
 */
public record Presence(long uid, int devices, long sinceMillis) {
    public static Presence neverSeen(long uid) {
        return new Presence(uid, 0, 0);
    }

    public boolean online() {
        return devices > 0;
    }
}
