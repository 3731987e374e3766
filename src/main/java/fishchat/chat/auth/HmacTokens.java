package fishchat.chat.auth;

import fishchat.protocol.ErrorCode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Tokens of the form {@code <uid>.<expiry epoch seconds>.<base64url HMAC-SHA256>}, signed
 * with the deployment's secret. A token names its uid, so one user's token never logs in
 * another, and its expiry, so a leaked token stops working by itself.
 */
public final class HmacTokens implements TokenVerifier {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;
    private final Clock clock;

    public HmacTokens(byte[] secret, Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the token secret must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.clock = clock;
    }

    public String mint(long uid, Duration ttl) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String claims = uid + "." + expiry;
        return claims + "." + sign(claims);
    }

    @Override
    public ErrorCode verify(long uid, String token) {
        if (token == null || token.isEmpty()) {
            return ErrorCode.NO_TOKEN;
        }
        int second = token.lastIndexOf('.');
        int first = second <= 0 ? -1 : token.lastIndexOf('.', second - 1);
        if (first <= 0) {
            return ErrorCode.BAD_TOKEN;
        }
        String claims = token.substring(0, second);
        byte[] given = token.substring(second + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, sign(claims).getBytes(StandardCharsets.US_ASCII))) {
            return ErrorCode.BAD_TOKEN;
        }
        long tokenUid;
        long expiry;
        try {
            tokenUid = Long.parseLong(token.substring(0, first));
            expiry = Long.parseLong(token.substring(first + 1, second));
        } catch (NumberFormatException e) {
            return ErrorCode.BAD_TOKEN;
        }
        if (tokenUid != uid) {
            return ErrorCode.BAD_TOKEN;
        }
        if (clock.instant().getEpochSecond() >= expiry) {
            return ErrorCode.TOKEN_EXPIRED;
        }
        return ErrorCode.OK;
    }

    private String sign(String claims) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(claims.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
