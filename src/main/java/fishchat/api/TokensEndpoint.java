package fishchat.api;

import fishchat.access.Backend;
import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.TokenVerifier;
import fishchat.http.HttpException;
import fishchat.http.HttpRequest;
import fishchat.http.HttpResponse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/tokens {uid, ttl}}: a login token for a user, so that the backend never needs
 * the deployment's secret. Issued no earlier than the user's latest revocation: a token minted
 * right after {@code /revoke}, on a node whose clock lags the revoking one, still works.
 */
final class TokensEndpoint {
    static final long DEFAULT_TTL_SECONDS = Duration.ofDays(1).toSeconds();
    static final long MAX_TTL_SECONDS = Duration.ofDays(366).toSeconds();
    private static final Set<String> FIELDS = Set.of("uid", "ttl");

    private final Backend backend;
    private final TokenVerifier tokens;

    TokensEndpoint(Backend backend, TokenVerifier tokens) {
        this.backend = backend;
        this.tokens = tokens;
    }

    HttpResponse mint(HttpRequest request) throws HttpException {
        JsonFields body = Json.object(request.body()).only(FIELDS);
        long uid = body.id("uid", 1, null);
        long ttl = body.number("ttl", 1, MAX_TTL_SECONDS, DEFAULT_TTL_SECONDS); // seconds, at most 366 days
        if (!(tokens instanceof HmacTokens hmac)) {
            throw new HttpException(409, "this node checks FishChatServer2's tokens (--auth legacy-md5): "
                    + "they are md5(uid + salt), never expire and are not minted here");
        }
        long issuedAt = Math.max(backend.clock().millis(), backend.revokedAt(uid));
        String token = hmac.mint(uid, Duration.ofSeconds(ttl), issuedAt);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("uid", uid);
        answer.put("token", token);
        answer.put("expiresAt", Long.parseLong(token.split("\\.")[1]) * 1000);
        answer.put("issuedAt", issuedAt);
        return Json.ok(answer);
    }
}
