package fishchat.bench;

import fishchat.client.ChatClient;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Logs every load user in before the load starts, a bounded number of dials at once (a
 * burst of thousands of connects would overflow the server's accept backlog). All or
 * nothing: a load measured with users missing would not be the load asked for.
 */
final class UserLogins {
    private static final int PARALLEL = 16;

    /** Connects and logs in user n; closes what it opened when it fails. */
    interface Login {
        ChatClient logIn(int n) throws IOException;
    }

    private UserLogins() {
    }

    /** User n's client at index n; when any login fails, closes the others and throws. */
    static List<ChatClient> all(int users, Login login) throws IOException, InterruptedException {
        ChatClient[] clients = new ChatClient[users];
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
        List<ChatClient> list = new ArrayList<>(users);
        for (ChatClient c : clients) {
            if (c != null) {
                list.add(c);
            }
        }
        if (failure[0] != null) {
            list.forEach(ChatClient::close);
            throw new IOException("only " + list.size() + " of " + users + " users logged in: " + failure[0].getMessage(),
                    failure[0]);
        }
        return list;
    }
}
