package fishchat.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the server API needs of a store, checked the same way on both engines (SqliteStoreTest and
 * PostgresStoreTest call these with a real store): own copies, system notices, revocations,
 * presence with node leases, the webhook outbox, member pages.
 */
final class ServerApiStoreChecks {
    private static final Duration LEASE = Duration.ofSeconds(7);

    private ServerApiStoreChecks() {
    }

    static void ownCopiesAndSystemNotices(MessageStore store) {
        AppendResult sent = store.append(new NewMessage(1, 2, 0, "m1", "hello", 100));
        assertEquals(AppendResult.Status.STORED, sent.status());
        assertEquals(List.of(new Delivery(1, 1, true), new Delivery(2, 1, false)),
                sent.deliveries().stream().sorted(java.util.Comparator.comparingLong(Delivery::uid)).toList());
        StoredMessage copy = store.readInbox(1, 0, 10).get(0);
        assertEquals(List.of(1L, 2L, "m1", "hello"), List.of(copy.sourceUid(), copy.targetUid(), copy.msgId(), copy.body()),
                "the own copy names the recipient as its target");
        assertEquals(2, store.readInbox(2, 0, 10).get(0).targetUid());
        assertEquals(AppendResult.Status.DUPLICATE, store.append(new NewMessage(1, 2, 0, "m1", "hello", 100)).status());
        assertEquals(1, store.readInbox(1, 0, 10).size(), "a resend makes no second own copy");

        assertEquals(List.of(new Delivery(3, 1)), store.append(new NewMessage(3, 3, 0, "", "note to self", 101)).deliveries(),
                "a message to oneself is one copy");
        assertEquals(List.of(new Delivery(2, 2)), store.append(new NewMessage(0, 2, 0, "n1", "system notice", 102)).deliveries(),
                "the system keeps no copy");

        store.join(40, 5, 100);
        store.join(40, 6, 100);
        AppendResult notice = store.append(new NewMessage(0, 0, 40, "n2", "to the group", 103));
        assertEquals(AppendResult.Status.STORED, notice.status(), "the system needs no membership");
        assertEquals(2, notice.deliveries().size());
        assertEquals(AppendResult.Status.NOT_A_MEMBER, store.append(new NewMessage(7, 0, 40, "", "intruder", 104)).status());
        assertEquals(0, store.readInbox(6, 0, 10).get(0).sourceUid());
    }

    static void revocationsKeepTheLaterTimeAndAreReadWithTheNewestSeq(MessageStore store) {
        assertEquals(LoginState.NEW_USER, store.loginState(20));
        assertEquals(1000, store.revoke(20, 1000));
        assertEquals(new LoginState(0, 1000), store.loginState(20));
        assertEquals(1000, store.revoke(20, 500), "an earlier revocation does not undo a later one");
        store.append(new NewMessage(21, 20, 0, "", "x", 1));
        assertEquals(new LoginState(1, 1000), store.loginState(20));
        assertTrue(store.loginState(20).refuses(999));
        assertTrue(store.loginState(20).refuses(0), "a token that does not say when it was issued");
        assertFalse(store.loginState(20).refuses(1000));
        assertFalse(store.loginState(21).refuses(0), "never revoked");
        assertEquals(Map.of(20L, 1000L), store.revocations(List.of(20L, 21L, 22L)));
    }

    static void membersComeInPages(MessageStore store) {
        for (long uid = 1; uid <= 7; uid++) {
            store.join(60, uid * 10, 100);
        }
        assertEquals(List.of(10L, 20L, 30L), store.members(60, 0, 3));
        assertEquals(List.of(40L, 50L, 60L), store.members(60, 30, 3));
        assertEquals(List.of(70L), store.members(60, 60, 3));
        assertEquals(List.of(), store.members(60, 70, 3));
        assertEquals(List.of(), store.members(61, 0, 3));
    }

    static void presenceAddsUpNodesAndSweepsNodesWhoseLeaseRanOut(MessageStore store) {
        PresenceStore presence = store.presence();
        assertEquals(List.of(Presence.neverSeen(30)), presence.read(List.of(30L)));
        assertFalse(presence.renewLease("a", 1000, LEASE), "a new node held no lease");
        assertTrue(presence.renewLease("a", 2000, LEASE));
        assertFalse(presence.renewLease("b", 1000, LEASE));

        assertEquals(List.of(new Presence(30, 2, 1000), new Presence(31, 1, 1000)),
                presence.record("a", Map.of(30L, 2, 31L, 1), 1000));
        assertEquals(List.of(new Presence(30, 3, 1000)), presence.record("b", Map.of(30L, 1), 1500),
                "online since the first device, whichever node");
        assertEquals(List.of(), presence.record("a", Map.of(31L, 1), 1600), "no change, nothing to tell");
        assertEquals(List.of(new Presence(30, 1, 1000)), presence.record("a", Map.of(30L, 0), 1700));
        assertEquals(List.of(new Presence(30, 1, 1000), new Presence(31, 1, 1000), Presence.neverSeen(32)),
                presence.read(List.of(30L, 31L, 32L)));

        // b stops renewing; a sweeps it once its lease ran out (1000 + 7 s), not before.
        assertEquals(List.of(), presence.sweepExpired(7999));
        assertTrue(presence.renewLease("a", 8500, LEASE));
        assertEquals(List.of(new Presence(30, 0, 8600)), presence.sweepExpired(8600));
        assertFalse(presence.read(List.of(30L)).get(0).online());
        assertFalse(presence.renewLease("b", 9000, LEASE), "a swept node learns it lost its lease, and records its users again");

        assertEquals(List.of(new Presence(31, 0, 9100)), presence.leave("a", 9100));
        assertEquals(List.of(new Presence(30, 0, 8600), new Presence(31, 0, 9100)), presence.read(List.of(30L, 31L)),
                "offline since when last seen");
    }

    static void outboxHoldsAnEventPerRecipientAndPresenceChangeForClaimedReceivers(MessageStore store) {
        EventOutbox outbox = store.outbox();
        long now = System.currentTimeMillis();
        store.append(new NewMessage(1, 2, 0, "", "before any receiver", now));
        assertTrue(outbox.claim("http://a", "node-1", now, Duration.ofSeconds(15)));
        assertEquals(List.of(), outbox.pending("http://a", 10), "nothing is written before a receiver is registered");

        store.presence().renewLease("n", now, LEASE);
        store.presence().record("n", Map.of(2L, 1), now);
        store.append(new NewMessage(1, 2, 0, "e1", "to 2", now + 1));
        store.append(new NewMessage(0, 3, 0, "e2", "notice to 3", now + 2));
        store.join(70, 1, 100);
        store.join(70, 2, 100);
        store.append(new NewMessage(1, 0, 70, "e3", "group", now + 3));
        store.presence().record("n", Map.of(2L, 0), now + 4);

        List<OutboxEvent> events = outbox.pending("http://a", 100);
        assertEquals(List.of("user.online 2 0 0 0 1", "message.stored 2 1 2 0 1", "message.stored 3 0 1 0 0",
                        "message.stored 2 1 3 70 1", "user.offline 2 0 0 0 0"),
                events.stream().map(e -> e.type() + " " + e.uid() + " " + e.fromUid() + " " + e.seq() + " " + e.groupId()
                        + " " + e.devices()).toList(), "one event per recipient but the sender, in order; online as it was");
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).id() > events.get(i - 1).id());
        }
        assertEquals(5, outbox.backlog("http://a"));

        assertFalse(outbox.claim("http://a", "node-2", now + 10, Duration.ofSeconds(15)), "held by node-1");
        assertTrue(outbox.claim("http://a", "node-1", now + 10, Duration.ofSeconds(15)), "renewed by its holder");
        assertTrue(outbox.claim("http://a", "node-2", now + 16_000, Duration.ofSeconds(15)), "taken over once it ran out");

        outbox.delivered("http://a", events.subList(0, 2).stream().map(OutboxEvent::id).toList());
        assertEquals(events.subList(2, 5), outbox.pending("http://a", 100));
        assertEquals(List.of(), outbox.pending("http://other", 100));
    }
}
