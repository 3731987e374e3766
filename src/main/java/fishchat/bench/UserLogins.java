package fishchat.bench;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Logs every load user in (or opens every load connection) before the load starts, a bounded
 * number of dials at once (a burst of thousands of connects would overflow the server's accept
 * backlog). All or nothing: a load measured with users missing would not be the load asked for.
 */
final class UserLogins {
    private static final int PARALLEL = 16;

    /** Connects (and logs in) user n; closes what it opened when it fails. */
    interface Login<T extends Closeable> {
        T logIn(int n) throws IOException;
    }

    private UserLogins() {
    }

    /** User n's connection at index n; when any login fails, closes the others and throws. */
    static <T extends Closeable> List<T> all(int users, Login<T> login) throws IOException, InterruptedException {
        Object[] clients = new Object[users];
        IOException[] failure = new IOException[1];
        try (ExecutorService dialers = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().factory())) {
            for (int i = 0; i < users; i++) {
                int n = i;
                dialers.submit(() -> {
                    try {
                        clients[n] = login.logIn(n);
                    } catch (IOException e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                });
            }
        }
        List<T> list = new ArrayList<>(users);
        for (Object c : clients) {
            if (c != null) {
                @SuppressWarnings("unchecked") // only login.logIn's results are stored
                T client = (T) c;
                list.add(client);
            }
        }
        if (failure[0] != null) {
            list.forEach(UserLogins::closeQuietly);
            throw new IOException("only " + list.size() + " of " + users + " users logged in: " + failure[0].getMessage(),
                    failure[0]);
        }
        return list;
    }

    private static void closeQuietly(Closeable client) {
        try {
            client.close();
        } catch (IOException e) {
            // Giving up on it anyway.
        }
    }
}
