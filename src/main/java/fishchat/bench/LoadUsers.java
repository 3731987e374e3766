package fishchat.bench;

import fishchat.client.ChatClient;

import java.io.IOException;
import java.util.function.LongFunction;

/**
 * Who a load program's users are and how they log in: user n is uid {@code firstUid + n},
 * with a token from {@code tokens}, dialling {@code targets} from {@code sources}.
 */
public record LoadUsers(LoadTargets targets, long firstUid, LongFunction<String> tokens, LoadSources sources) {

    public LoadUsers(LoadTargets targets, long firstUid, LongFunction<String> tokens, int sourceCount) {
        this(targets, firstUid, tokens, new LoadSources(sourceCount));
    }

    public long uid(int n) {
        return firstUid + n;
    }

    /** Connects and logs in user n ({@link LoadTargets#logIn}), syncing from {@code fromSeq}. */
    public ChatClient logIn(int n, ChatClient.Listener listener, long fromSeq) throws IOException {
        return targets.logIn(n, sources, listener, uid(n), tokens.apply(uid(n)), fromSeq);
    }
}
