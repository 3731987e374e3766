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
 * Tokens of the form {@code <uid>.<expiry epoch seconds>.<issued-at epoch milliseconds>.<base64url
 * HMAC-SHA256>}, signed with the deployment's secret. A token names its uid, so one user's token
 * never logs in another; its expiry, so a leaked token stops working by itself; and when it was
 * issued, so that a revocation ("every token of this uid issued before now") can tell old tokens
 * from new ones. Tokens of the earlier form {@code <uid>.<expiry>.<signature>} (minted elsewhere by
 * that contract) still verify; they do not say when they were issued, so a revocation refuses them.
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
        return mint(uid, ttl, clock.millis());
    }

    /**
     * A token issued at {@code issuedAtMillis} (not before now): the server API mints after a
     * revocation with an issue time not before it, so that a node whose clock lags the one that
     * revoked still hands out a token that works.
     */
    public String mint(long uid, Duration ttl, long issuedAtMillis) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String claims = uid + "." + expiry + "." + issuedAtMillis;
        return claims + "." + sign(claims);
    }

    /** When a token says it was issued (epoch milliseconds), or 0 when it does not say (the three-part form). */
    @Override
    public long issuedAtMillis(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4) {
            return 0;
        }
        try {
            return Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public ErrorCode verify(long uid, String token) {
        if (token == null || token.isEmpty()) {
            return ErrorCode.NO_TOKEN;
        }
        int second = token.lastIndexOf('.');
        if (second <= 0) {
            return ErrorCode.BAD_TOKEN;
        }
        String claims = token.substring(0, second);
        byte[] given = token.substring(second + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, sign(claims).getBytes(StandardCharsets.US_ASCII))) {
            return ErrorCode.BAD_TOKEN;
        }
        // The claims are uid.expiry, or uid.expiry.issuedAt: split them from the front.
        String[] parts = claims.split("\\.", -1);
        if (parts.length != 2 && parts.length != 3) {
            return ErrorCode.BAD_TOKEN;
        }
        long tokenUid;
        long expiry;
        try {
            tokenUid = Long.parseLong(parts[0]);
            expiry = Long.parseLong(parts[1]);
            if (parts.length == 3) {
                Long.parseLong(parts[2]);
            }
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
