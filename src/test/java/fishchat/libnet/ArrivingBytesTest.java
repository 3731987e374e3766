package fishchat.libnet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArrivingBytesTest {
    private static DataInputStream stream(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    /** Hands out at most {@code chunk} bytes a read, as a socket does when a body arrives in parts. */
    private static DataInputStream trickle(byte[] bytes, int chunk) {
        return new DataInputStream(new InputStream() {
            private int at;

            @Override
            public int read() {
                return at < bytes.length ? bytes[at++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), bytes.length - at);
                System.arraycopy(bytes, at, b, off, n);
                at += n;
                return n;
            }
        });
    }

    private static final InetAddress ATTACKER = address(127, 0, 0, 2);
    private static final InetAddress OTHER = address(127, 0, 0, 3);

    private static InetAddress address(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aCompleteBodyIsReadAndGivesBackWhatItCounted() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(1 << 20, 1 << 20);
        ArrivingBytes.Share share = budget.shareOf(OTHER);
        byte[] body = new byte[60_000];
        body[59_999] = 9;
        assertArrayEquals(body, share.read(trickle(body, 1000), body.length, 256));
        assertEquals(0, budget.held());
        assertEquals(0, budget.sourcesHolding(), "an address that holds nothing is forgotten");
        assertArrayEquals(new byte[] {1, 2}, share.read(stream(new byte[] {1, 2}), 2, 256), "a small body counts nothing");
    }

    @Test
    void aBodyThatHasArrivedWholeIsReadEvenWhenTheBudgetIsFull() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(10_000, 10_000);
        budget.shareOf(ATTACKER).take(10_000); // filled by others
        ArrivingBytes.Share share = budget.shareOf(OTHER);
        byte[] body = new byte[4_000];
        assertArrayEquals(body, share.read(stream(body), body.length, 256), "nothing of it waits: nothing counts");
        assertThrows(ArrivingBytes.OverBudgetException.class, () -> share.read(trickle(body, 1000), body.length, 256),
                "one that arrives in parts waits, and counts");
    }

    @Test
    void aBodyThatWouldGoOverTheBudgetIsRefusedAndAnEndedOneGivesBack() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(10_000, 10_000);
        ArrivingBytes.Share others = budget.shareOf(null);
        others.take(9_000); // other connections' incomplete bodies
        ArrivingBytes.Share share = budget.shareOf(OTHER);
        assertThrows(ArrivingBytes.OverBudgetException.class, () -> share.read(trickle(new byte[60_000], 1000), 60_000, 256));
        assertEquals(9_000, budget.held(), "the refused body holds nothing");
        others.give(9_000);
        assertThrows(EOFException.class, () -> share.read(trickle(new byte[5_000], 1000), 60_000, 256));
        assertEquals(0, budget.held(), "a body cut short gives back what it counted");
    }

    @Test
    void oneAddressHoldsOnlyItsShareAndOthersStillGetTheirs() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(160_000, 10_000);
        ArrivingBytes.Share attacker = budget.shareOf(ATTACKER);
        attacker.take(10_000);
        ArrivingBytes.OverBudgetException refused = assertThrows(ArrivingBytes.OverBudgetException.class,
                () -> budget.shareOf(ATTACKER).take(1), "another connection from the same address");
        assertTrue(refused.getMessage().contains("from 127.0.0.2 hold its share"), refused.getMessage());
        assertEquals(10_000, budget.held(), "the refusal holds nothing");

        byte[] body = new byte[8_000];
        body[7_999] = 7;
        assertArrayEquals(body, budget.shareOf(OTHER).read(trickle(body, 1000), body.length, 256),
                "another address's body, arriving in parts, is read");
        attacker.give(10_000);
        assertEquals(0, budget.held());
        assertEquals(0, budget.sourcesHolding());
    }

    @Test
    void anIpv6SubscribersAddressesShareOneShare() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(160_000, 10_000);
        budget.shareOf(address(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1)).take(10_000);
        ArrivingBytes.OverBudgetException refused = assertThrows(ArrivingBytes.OverBudgetException.class,
                () -> budget.shareOf(address(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2)).take(1),
                "the same /64");
        assertTrue(refused.getMessage().contains("/64"), refused.getMessage());
        budget.shareOf(address(0x20, 1, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1)).take(10_000); // another /64
    }

    @Test
    void aTakeTheNodeRefusesLeavesTheAddressHoldingNothing() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(10_000, 8_000);
        budget.shareOf(null).take(9_000);
        assertThrows(ArrivingBytes.OverBudgetException.class, () -> budget.shareOf(OTHER).take(5_000));
        assertEquals(9_000, budget.held());
        assertEquals(0, budget.sourcesHolding());
    }

    @Test
    void theNodesBudgetIsAnEighthOfTheHeapAndAnAddressesShareASixteenthOfThatButAtLeastOneMiB() {
        ArrivingBytes big = ArrivingBytes.ofHeap(4L << 30);
        assertEquals(512L << 20, big.limit());
        assertEquals(32L << 20, big.limitPerSource());
        ArrivingBytes small = ArrivingBytes.ofHeap(32L << 20);
        assertEquals(4L << 20, small.limit());
        assertEquals(1L << 20, small.limitPerSource(), "a large request arriving in parts still fits a small heap's share");
        assertEquals(512L << 10, ArrivingBytes.ofHeap(4L << 20).limitPerSource(), "never more than the node's limit");
    }
}
