package fishchat.chat;

import fishchat.protocol.ErrorCode;
import fishchat.protocol.external.ResSyncMsg;
import fishchat.store.JoinResult;
import fishchat.store.sqlite.SqliteStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat rules on a real SQLite store and a fixed clock: what is refused, what a sync reply holds. */
class MessagingTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path dir;

    private SqliteStore store;
    private Messaging messaging;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir, Duration.ofSeconds(4));
        messaging = new Messaging(store, 30_000, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void whatIsRefusedBeforeTheStore() {
        assertEquals(ErrorCode.REQUEST_ERR, messaging.sendP2P(1, 0, "", "to nobody").code());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, messaging.sendP2P(1, 2, "", "x".repeat(30_001)).code());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, messaging.sendP2P(1, 2, "", "é".repeat(15_001)).code(), "UTF-8 bytes count");
        assertEquals(ErrorCode.REQUEST_ERR, messaging.sendP2P(1, 2, "k".repeat(129), "a key too long").code());
        assertEquals(ErrorCode.REQUEST_ERR, messaging.sendP2P(1, 2, "", "a NUL \0 inside").code());
        assertEquals(ErrorCode.REQUEST_ERR, messaging.sendGroup(1, 5, "", "not a member").code());
        assertEquals(0, messaging.latestSeq(2), "nothing was stored");
    }

    @Test
    void aResendIsAnsweredAsTheFirstAndAnnouncedOnce() {
        SendOutcome first = messaging.sendP2P(1, 2, "m1", "hello");
        SendOutcome again = messaging.sendP2P(1, 2, "m1", "hello");
        assertEquals(ErrorCode.OK, first.code());
        assertEquals(2, first.deliveries().size(), "the recipient's inbox and the sender's own copy");
        assertEquals(ErrorCode.OK, again.code());
        assertTrue(again.deliveries().isEmpty(), "not stored or notified again");
        ResSyncMsg sync = messaging.sync(2, 0);
        assertEquals(1, sync.getMsgsCount());
        assertEquals(NOW.toEpochMilli(), sync.getMsgs(0).getSentAtMillis(), "stamped by the clock");
    }

    @Test
    void aSyncReplyFitsOneFrameAndSaysWhereToGoOn() {
        for (int i = 1; i <= 5; i++) {
            assertEquals(ErrorCode.OK, messaging.sendP2P(1, 2, "big" + i, Integer.toString(i).repeat(30_000)).code());
        }
        ResSyncMsg first = messaging.sync(2, 0);
        assertEquals(2, first.getMsgsCount(), "two 30 KB messages fit a 64 KB frame, three do not");
        assertTrue(first.getMore());
        assertEquals(2, first.getCurrentID(), "the seq of the last message in the reply");
        assertTrue(first.getSerializedSize() <= 65_535);
        ResSyncMsg last = messaging.sync(2, 4);
        assertEquals(1, last.getMsgsCount());
        assertFalse(last.getMore());
        ResSyncMsg nothing = messaging.sync(2, 5);
        assertEquals(0, nothing.getMsgsCount());
        assertEquals(5, nothing.getCurrentID(), "nothing newer: the request's own position");
    }

    @Test
    void aUserJoinsSoManyGroupsAndNoMore() {
        assertEquals(JoinResult.JOINED, messaging.join(1, 7, 2));
        assertEquals(JoinResult.ALREADY_MEMBER, messaging.join(1, 7, 2));
        assertEquals(JoinResult.JOINED, messaging.join(2, 7, 2));
        assertEquals(JoinResult.TOO_MANY_GROUPS, messaging.join(3, 7, 2));
        assertEquals(ErrorCode.OK, messaging.sendGroup(7, 1, "g", "a member now").code());
    }
}
