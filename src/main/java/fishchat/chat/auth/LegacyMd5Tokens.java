package fishchat.chat.auth;

import fishchat.protocol.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * FishChatServer2's tokens: {@code hex(md5(decimal uid + salt))}. They never expire and
 * anyone who knows the salt can mint them: for old clients only (see docs/SECURITY.md).
 */
public final class LegacyMd5Tokens implements TokenVerifier {
    /** FishChatServer2's default salt, which its clients compute tokens with. */
    public static final String DEFAULT_SALT = "!0h#?123(ABM";
    private final String salt;

    public LegacyMd5Tokens(String salt) {
        this.salt = salt;
    }

    public String tokenFor(long uid) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(Long.toString(uid).getBytes(StandardCharsets.UTF_8));
            md5.update(salt.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    @Override
    public ErrorCode verify(long uid, String token) {
        if (token == null || token.isEmpty()) {
            return ErrorCode.NO_TOKEN;
        }
        boolean match = MessageDigest.isEqual(tokenFor(uid).getBytes(StandardCharsets.US_ASCII),
                token.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        return match ? ErrorCode.OK : ErrorCode.BAD_TOKEN;
    }
}
