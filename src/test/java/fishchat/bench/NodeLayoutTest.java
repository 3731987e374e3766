package fishchat.bench;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class NodeLayoutTest {
    private final Random random = new Random(42);

    @Test
    void crossNodeRecipientsAreEveryUserOnTheOtherNodesAndNoOneElse() {
        // Users 0..5 on nodes a, b, a, c, b, a.
        NodeLayout layout = new NodeLayout(List.of("a", "b", "a", "c", "b", "a"));
        assertEquals(3, layout.nodes());
        assertEquals(Set.of(1, 3, 4), picks(() -> layout.userOnAnotherNode(0, random)));
        assertEquals(Set.of(0, 2, 3, 5), picks(() -> layout.userOnAnotherNode(4, random)));
        assertEquals(Set.of(0, 1, 2, 4, 5), picks(() -> layout.userOnAnotherNode(3, random)));
    }

    @Test
    void anyOtherUserIsEveryoneButTheSender() {
        NodeLayout layout = new NodeLayout(List.of(0, 0, 0, 0));
        assertEquals(1, layout.nodes());
        for (int sender = 0; sender < 4; sender++) {
            int self = sender;
            Set<Integer> seen = picks(() -> layout.anyOtherUser(self, random));
            assertEquals(3, seen.size());
            seen.forEach(user -> assertNotEquals(self, user));
        }
    }

    private static Set<Integer> picks(java.util.function.IntSupplier pick) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(pick.getAsInt());
        }
        return seen;
    }
}
