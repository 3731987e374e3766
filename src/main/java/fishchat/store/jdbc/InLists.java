package fishchat.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code IN (?, ?, …)} lists of uids, the one form both engines understand, in chunks of at most
 * {@link #CHUNK}. A list is padded (with its last uid again) to one of a few sizes, so that an
 * engine that caches its prepared statements by text (SQLite's) keeps a handful, not hundreds.
 */
final class InLists {
    static final int CHUNK = 512;
    private static final int[] SIZES = {1, 8, 64, CHUNK};

    private InLists() {
    }

    static List<List<Long>> chunks(Collection<Long> uids) {
        List<Long> all = List.copyOf(uids);
        List<List<Long>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return chunks;
    }

    /** The placeholders for a chunk of {@code n} uids: "?, ?, …" padded to the next size. */
    static String marks(int n) {
        int size = padded(n);
        return "?" + ", ?".repeat(size - 1);
    }

    /** Binds a chunk from parameter {@code first} on, padded as {@link #marks} was. */
    static void bind(PreparedStatement ps, int first, List<Long> uids) throws SQLException {
        int size = padded(uids.size());
        for (int i = 0; i < size; i++) {
            ps.setLong(first + i, uids.get(Math.min(i, uids.size() - 1)));
        }
    }

    private static int padded(int n) {
        for (int size : SIZES) {
            if (n <= size) {
                return size;
            }
        }
        throw new IllegalArgumentException("a chunk holds at most " + CHUNK + " uids");
    }
}
