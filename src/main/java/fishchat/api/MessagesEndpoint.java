package fishchat.api;

import fishchat.access.Backend;
import fishchat.chat.Messaging;
import fishchat.chat.SendOutcome;
import fishchat.http.HttpException;
import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;
import fishchat.store.Delivery;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/messages {from, to | groupId, msgId, text}}: a message sent by the backend, on
 * the same durable path as a client's (stored before the answer, deduplicated by (from, msgId),
 * the recipients notified on every node). {@code from} 0 (the default) is the system: a notice
 * both clients show as such, which needs no group membership. {@code msgId} is required: a
 * backend retrying after a timeout must not send twice.
 *
 * <p>API sends do not draw on the per-user send allowance (--max-msg-rate): the backend is
 * trusted with the API key, and a notice to many users, or on behalf of a busy one, must not be
 * refused as a flood. What bounds them is the API server's connection caps.
 */
final class MessagesEndpoint {
    private static final Set<String> FIELDS = Set.of("from", "to", "groupId", "msgId", "text");

    private final Backend backend;

    MessagesEndpoint(Backend backend) {
        this.backend = backend;
    }

    HttpResponse send(HttpRequest request) throws HttpException {
        JsonFields body = Json.object(request.body()).only(FIELDS);
        long from = body.id("from", 0, 0L);
        if (body.has("to") == body.has("groupId")) {
            throw new HttpException(400, "give exactly one of \"to\" (a uid) and \"groupId\"");
        }
        String msgId = body.text("msgId");
        if (msgId.isEmpty() || msgId.getBytes(StandardCharsets.UTF_8).length > Messaging.MAX_MSG_ID_BYTES) {
            throw new HttpException(400, "\"msgId\" must be 1 to " + Messaging.MAX_MSG_ID_BYTES + " bytes of UTF-8");
        }
        String text = body.text("text");
        if (text.isEmpty()) {
            throw new HttpException(400, "\"text\" must not be empty");
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > backend.maxMessageBytes()) {
            throw new HttpException(413, "\"text\" is " + bytes + " bytes of UTF-8, over this node's limit of "
                    + backend.maxMessageBytes() + " (--max-message)");
        }
        boolean toGroup = body.has("groupId");
        long target = toGroup ? body.id("groupId", 1, null) : body.id("to", 1, null);
        SendOutcome outcome = toGroup ? backend.sendToGroup(from, target, msgId, text)
                : backend.sendToUser(from, target, msgId, text);
        return switch (outcome.code()) {
            case OK -> Json.ok(answer(outcome));
            case REQUEST_ERR -> throw toGroup
                    ? new HttpException(409, "uid " + from + " is not a member of group " + target
                            + " (only the system, from 0, writes to any group)")
                    : new HttpException(400, "the message was refused as malformed");
            case MESSAGE_TOO_LARGE -> throw new HttpException(413, "\"text\" is over this node's limit");
            default -> throw new HttpException(500, "the message was refused: " + outcome.code().text());
        };
    }

    /**
     * Stored by this call with its seq in each inbox (the sender's own copy among them; none for
     * a group with no members), or a duplicate of an earlier send (no message: nothing stored).
     */
    private static Map<String, Object> answer(SendOutcome outcome) {
        boolean duplicate = outcome.message() == null;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("stored", !duplicate);
        answer.put("duplicate", duplicate);
        answer.put("seqs", outcome.deliveries().stream()
                .sorted(java.util.Comparator.comparingLong(Delivery::uid))
                .map(d -> {
                    Map<String, Object> place = new LinkedHashMap<>();
                    place.put("uid", d.uid());
                    place.put("seq", d.seq());
                    return place;
                })
                .toList());
        return answer;
    }
}
