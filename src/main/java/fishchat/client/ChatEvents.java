package fishchat.client;

import fishchat.protocol.external.offsetMsg;

/** What a {@link ReconnectingChat} tells its user. Called from the chat's own threads. */
public interface ChatEvents {
    /** A message of the inbox: each one once, in seq order, across reconnects. */
    void message(offsetMsg message);

    /** What the connection is doing, one line: "connection lost; reconnecting in 1.2 s". */
    void notice(String line);

    /** The chat stopped for good (replaced by a newer login, token refused) and says why. */
    void ended(String why);
}
