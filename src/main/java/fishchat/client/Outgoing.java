package fishchat.client;

import fishchat.protocol.ErrorCode;

import java.io.IOException;
import java.util.UUID;

/**
 * A request the user made, kept until the server has answered it. A message carries its
 * msgID from the start, so that sending it again after a lost connection is the same send:
 * the server stores one copy per (sender, msgID).
 */
public sealed interface Outgoing {
    /** Asks the server on this connection; the server's answer (null: a code this client does not know). */
    ErrorCode sendOn(ChatClient client) throws IOException;

    /** For putting a refusal in words. */
    Attempt attempt(long uid);

    /** What was done, once the server said yes: "sent to 5". */
    String done();

    /** What did not happen, before the reason: "not sent to 5". */
    String notDone();

    /** Messages are counted when resent; joining and leaving are not. */
    default boolean isMessage() {
        return false;
    }

    static String newMessageId() {
        return UUID.randomUUID().toString();
    }

    record ToUser(long target, String msgId, String text) implements Outgoing {
        public ToUser(long target, String text) {
            this(target, newMessageId(), text);
        }

        @Override
        public ErrorCode sendOn(ChatClient client) throws IOException {
            return client.sendP2P(target, msgId, text);
        }

        @Override
        public Attempt attempt(long uid) {
            return Attempt.sendToUser(uid, target, text);
        }

        @Override
        public String done() {
            return "sent to " + target;
        }

        @Override
        public String notDone() {
            return "not sent to " + target;
        }

        @Override
        public boolean isMessage() {
            return true;
        }
    }

    record ToGroup(long group, String msgId, String text) implements Outgoing {
        public ToGroup(long group, String text) {
            this(group, newMessageId(), text);
        }

        @Override
        public ErrorCode sendOn(ChatClient client) throws IOException {
            return client.sendGroup(group, msgId, text);
        }

        @Override
        public Attempt attempt(long uid) {
            return Attempt.sendToGroup(uid, group, text);
        }

        @Override
        public String done() {
            return "sent to group " + group;
        }

        @Override
        public String notDone() {
            return "not sent to group " + group;
        }

        @Override
        public boolean isMessage() {
            return true;
        }
    }

    record Join(long group) implements Outgoing {
        @Override
        public ErrorCode sendOn(ChatClient client) throws IOException {
            return client.join(group);
        }

        @Override
        public Attempt attempt(long uid) {
            return Attempt.join(uid, group);
        }

        @Override
        public String done() {
            return "joined group " + group;
        }

        @Override
        public String notDone() {
            return "could not join group " + group;
        }
    }

    record Leave(long group) implements Outgoing {
        @Override
        public ErrorCode sendOn(ChatClient client) throws IOException {
            return client.leave(group);
        }

        @Override
        public Attempt attempt(long uid) {
            return Attempt.leave(uid, group);
        }

        @Override
        public String done() {
            return "left group " + group;
        }

        @Override
        public String notDone() {
            return "could not leave group " + group;
        }
    }
}
