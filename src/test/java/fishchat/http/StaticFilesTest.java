package fishchat.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticFilesTest {
    @Test
    void onlyPlainSegmentsAreLookedUp() {
        for (String plain : List.of("/index.html", "/a", "/chat/chat.js", "/a-b_c.d/e", "/x.min.js", "/2")) {
            assertTrue(StaticFiles.plain(plain), plain);
        }
        for (String other : List.of("", "/", "a", "/a/", "//a", "/a//b", "/.env", "/a/.git", "/../pom.xml", "/a/../b",
                "/%2e%2e/x", "/a b", "/a\\b", "/é", "/a?b", "/a:b", "/a/b/")) {
            assertFalse(StaticFiles.plain(other), other);
        }
    }

    @Test
    void aPathOfManySegmentsIsCheckedWithoutRecursion() {
        // 100 000 segments: a regular expression with a repeated group overflowed the stack at 2 000.
        assertTrue(StaticFiles.plain("/a".repeat(100_000)));
        assertFalse(StaticFiles.plain("/a".repeat(100_000) + "/"));
    }
}
