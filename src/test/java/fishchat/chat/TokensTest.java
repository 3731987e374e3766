package fishchat.chat;

import fishchat.chat.auth.HmacTokens;
import fishchat.chat.auth.LegacyMd5Tokens;
import fishchat.chat.auth.SecretFile;
import fishchat.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokensTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void hmacTokenIsGoodForItsUidUntilItExpires() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        HmacTokens minter = new HmacTokens(SECRET, Clock.fixed(now, ZoneOffset.UTC));
        String token = minter.mint(42, Duration.ofHours(1));
        assertEquals(ErrorCode.OK, minter.verify(42, token));
        assertEquals(ErrorCode.BAD_TOKEN, minter.verify(43, token), "another uid");
        assertEquals(ErrorCode.NO_TOKEN, minter.verify(42, ""));
        assertEquals(ErrorCode.BAD_TOKEN, minter.verify(42, "garbage"));
        assertEquals(ErrorCode.BAD_TOKEN, minter.verify(42, token.substring(0, token.length() - 2) + "AA"), "forged signature");
        assertEquals(ErrorCode.BAD_TOKEN, minter.verify(42, token.replaceFirst("^42\\.", "43.")), "edited uid");
        HmacTokens later = new HmacTokens(SECRET, Clock.fixed(now.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertEquals(ErrorCode.TOKEN_EXPIRED, later.verify(42, token));
        HmacTokens otherSecret = new HmacTokens("ffffffffffffffffffffffffffffffff".getBytes(), Clock.fixed(now, ZoneOffset.UTC));
        assertEquals(ErrorCode.BAD_TOKEN, otherSecret.verify(42, token));
    }

    @Test
    void hmacTokensSayWhenTheyWereIssuedAndTheEarlierFormStillVerifies() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        HmacTokens minter = new HmacTokens(SECRET, Clock.fixed(now, ZoneOffset.UTC));
        String token = minter.mint(42, Duration.ofHours(1));
        assertEquals(4, token.split("\\.").length, "uid.expiry.issuedAt.signature");
        assertEquals(now.toEpochMilli(), minter.issuedAtMillis(token));
        assertEquals(String.valueOf(now.plus(Duration.ofHours(1)).getEpochSecond()), token.split("\\.")[1],
                "the expiry stays the second part, where clients read it");
        String later = minter.mint(42, Duration.ofHours(1), now.toEpochMilli() + 5_000);
        assertEquals(now.toEpochMilli() + 5_000, minter.issuedAtMillis(later));
        assertEquals(ErrorCode.OK, minter.verify(42, later));
        assertEquals(ErrorCode.BAD_TOKEN, minter.verify(42, token.replaceFirst("\\.(\\d+)\\.([^.]+)$", ".1.$2")),
                "an edited issue time breaks the signature");

        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
        String claims = "42." + now.plus(Duration.ofHours(1)).getEpochSecond();
        String threePart = claims + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(claims.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals(ErrorCode.OK, minter.verify(42, threePart), "tokens minted by the earlier contract");
        assertEquals(0, minter.issuedAtMillis(threePart), "they do not say when they were issued");
        assertEquals(ErrorCode.BAD_TOKEN, minter.verify(42, "42.1.2.3.sig"));
    }

    @Test
    void legacyTokensAreFishChatServer2s() {
        LegacyMd5Tokens legacy = new LegacyMd5Tokens(LegacyMd5Tokens.DEFAULT_SALT);
        // hex(md5("42" + "!0h#?123(ABM")), computed independently
        assertEquals("298f24f5e1c21a313e5ee21d2e862500", legacy.tokenFor(42));
        assertEquals(ErrorCode.OK, legacy.verify(42, "298f24f5e1c21a313e5ee21d2e862500"));
        assertEquals(ErrorCode.BAD_TOKEN, legacy.verify(43, "298f24f5e1c21a313e5ee21d2e862500"));
        assertEquals(ErrorCode.NO_TOKEN, legacy.verify(42, ""));
    }

    @Test
    void secretFileIsCreatedOwnerOnlyAndThenReused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        byte[] first = SecretFile.loadOrCreate(file);
        assertEquals(32, first.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(first, SecretFile.loadOrCreate(file));
        Files.writeString(file, "not hex");
        assertThrows(java.io.IOException.class, () -> SecretFile.load(file));
    }
}
