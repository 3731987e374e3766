package fishchat.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Which access node each load user sits on (users are numbered 0..N-1), and random
 * recipients: anyone but the sender, or only users on another node than the sender's, so
 * that every message has to cross nodes.
 */
final class NodeLayout {
    private final int[] nodeOfUser;
    private final int[][] usersOnNode;

    /** {@code nodeOfUser.get(n)}: any value that is equal for users on the same node. */
    NodeLayout(List<?> nodeOfUser) {
        Map<Object, Integer> nodeIndex = new HashMap<>();
        List<List<Integer>> usersByNode = new ArrayList<>();
        this.nodeOfUser = new int[nodeOfUser.size()];
        for (int n = 0; n < this.nodeOfUser.length; n++) {
            int node = nodeIndex.computeIfAbsent(nodeOfUser.get(n), key -> {
                usersByNode.add(new ArrayList<>());
                return usersByNode.size() - 1;
            });
            this.nodeOfUser[n] = node;
            usersByNode.get(node).add(n);
        }
        usersOnNode = usersByNode.stream().map(users -> users.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
    }

    int nodes() {
        return usersOnNode.length;
    }

    /** A random user other than {@code sender}. */
    int anyOtherUser(int sender, RandomGenerator random) {
        return anyOtherUser(nodeOfUser.length, sender, random);
    }

    /** A random user of {@code users} other than {@code sender}, wherever it is. */
    static int anyOtherUser(int users, int sender, RandomGenerator random) {
        int other = random.nextInt(users - 1);
        return other >= sender ? other + 1 : other;
    }

    /** A random user on another node than {@code sender}'s; needs at least two nodes. */
    int userOnAnotherNode(int sender, RandomGenerator random) {
        int own = nodeOfUser[sender];
        int pick = random.nextInt(nodeOfUser.length - usersOnNode[own].length);
        for (int node = 0; ; node++) {
            if (node == own) {
                continue;
            }
            if (pick < usersOnNode[node].length) {
                return usersOnNode[node][pick];
            }
            pick -= usersOnNode[node].length;
        }
    }
}
