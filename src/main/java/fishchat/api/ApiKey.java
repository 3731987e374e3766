package fishchat.api;

import fishchat.common.LogBudget;
import fishchat.http.HttpException;
import fishchat.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The API key check: {@code Authorization: Bearer <key>}. Keys are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual}, so the time taken says nothing about the key, not even its
 * length. No header (or another scheme): 401; a wrong key: 403. The key is never logged; wrong
 * keys are, in one line every 10 s at most with a count, so a flood of guesses is a few lines.
 */
final class ApiKey {
    private static final System.Logger LOG = System.getLogger(ApiKey.class.getName());
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;
    private final LogBudget wrongKeysLogged = new LogBudget(1, 10_000_000_000L);

    ApiKey(String key) {
        this.digest = sha256(key);
    }

    /** Returns when the request carries the key; throws 401 or 403 otherwise. */
    void check(HttpRequest request) throws HttpException {
        String header = request.header("authorization");
        if (header == null || header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new HttpException(401, "an API key is needed: Authorization: Bearer <key>");
        }
        if (!MessageDigest.isEqual(digest, sha256(header.substring(SCHEME.length()).strip()))) {
            logWrongKey(request);
            throw new HttpException(403, "wrong API key");
        }
    }

    private void logWrongKey(HttpRequest request) {
        long leftOut = wrongKeysLogged.take(System.nanoTime());
        if (leftOut >= 0) {
            LOG.log(WARNING, "api: {0} request(s) with a wrong API key, the latest from {1} ({2})", leftOut + 1,
                    request.connection().remoteAddress(), request);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
