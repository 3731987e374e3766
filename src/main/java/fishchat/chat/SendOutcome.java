package fishchat.chat;

import fishchat.protocol.ErrorCode;
import fishchat.store.Delivery;

import java.util.List;

/** The answer to a send, and the inbox entries it created (to announce to online sessions). */
public record SendOutcome(ErrorCode code, List<Delivery> deliveries) {
    public static SendOutcome rejected(ErrorCode code) {
        return new SendOutcome(code, List.of());
    }
}
