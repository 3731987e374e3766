package fishchat.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import fishchat.store.OutboxEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One POST to a webhook receiver: {@code {"sentAt": ms, "events": [...]}}, oldest event first, and
 * its signature, {@code sha256=} + hex HMAC-SHA256 of the exact body bytes keyed with the webhook
 * secret (the text of --webhook-secret-file). docs/API.md gives the receiver's side.
 */
final class WebhookBatch {
    static final String SIGNATURE_HEADER = "X-Fishchat-Signature";

    final byte[] body;
    final String signature;
    final List<Long> ids;

    private WebhookBatch(byte[] body, String signature, List<Long> ids) {
        this.body = body;
        this.signature = signature;
        this.ids = ids;
    }

    static WebhookBatch of(List<OutboxEvent> events, long sentAtMillis, byte[] secret) {
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("sentAt", sentAtMillis);
        batch.put("events", events.stream().map(WebhookBatch::json).toList());
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(batch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("events that do not serialise: " + e.getMessage(), e);
        }
        return new WebhookBatch(body, sign(secret, body), events.stream().map(OutboxEvent::id).toList());
    }

    static Map<String, Object> json(OutboxEvent e) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", e.id());
        event.put("type", e.type());
        event.put("at", e.atMillis());
        event.put("uid", e.uid());
        if (OutboxEvent.MESSAGE_STORED.equals(e.type())) {
            event.put("seq", e.seq());
            event.put("from", e.fromUid());
            event.put("groupId", e.groupId());
        }
        event.put("online", e.online());
        event.put("devices", e.devices());
        return event;
    }

    /** {@code sha256=<hex HMAC-SHA256(secret, body)>}. */
    static String sign(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] key(String secretText) {
        return secretText.getBytes(StandardCharsets.UTF_8);
    }
}
