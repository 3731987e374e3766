package fishchat.libnet;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void aCompleteBodyIsReadAndGivesBackWhatItCounted() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(1 << 20);
        byte[] body = new byte[60_000];
        body[59_999] = 9;
        assertArrayEquals(body, budget.read(trickle(body, 1000), body.length, 256));
        assertEquals(0, budget.held());
        assertArrayEquals(new byte[] {1, 2}, budget.read(stream(new byte[] {1, 2}), 2, 256), "a small body counts nothing");
    }

    @Test
    void aBodyThatHasArrivedWholeIsReadEvenWhenTheBudgetIsFull() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(10_000);
        budget.take(10_000); // filled by others
        byte[] body = new byte[4_000];
        assertArrayEquals(body, budget.read(stream(body), body.length, 256), "nothing of it waits: nothing counts");
        assertThrows(ArrivingBytes.OverBudgetException.class, () -> budget.read(trickle(body, 1000), body.length, 256),
                "one that arrives in parts waits, and counts");
    }

    @Test
    void aBodyThatWouldGoOverTheBudgetIsRefusedAndAnEndedOneGivesBack() throws IOException {
        ArrivingBytes budget = new ArrivingBytes(10_000);
        budget.take(9_000); // other connections' incomplete bodies
        assertThrows(ArrivingBytes.OverBudgetException.class, () -> budget.read(trickle(new byte[60_000], 1000), 60_000, 256));
        assertEquals(9_000, budget.held(), "the refused body holds nothing");
        budget.give(9_000);
        assertThrows(EOFException.class, () -> budget.read(trickle(new byte[5_000], 1000), 60_000, 256));
        assertEquals(0, budget.held(), "a body cut short gives back what it counted");
    }
}
