package fishchat.chat;

import fishchat.protocol.ErrorCode;
import fishchat.store.Delivery;
import fishchat.store.NewMessage;

import java.util.List;

/**
 * The answer to a send, the inbox entries it created (to announce to online sessions), and the
 * message they hold (null when nothing was stored).
 */
public record SendOutcome(ErrorCode code, List<Delivery> deliveries, NewMessage message) {
    public static SendOutcome rejected(ErrorCode code) {
        return new SendOutcome(code, List.of(), null);
    }
}
