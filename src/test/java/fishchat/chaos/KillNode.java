package fishchat.chaos;

import java.util.List;
import java.util.Random;

/** kill -9 of one server process at random, then a restart on the same data dir after a short pause. */
final class KillNode implements Fault {
    private final List<ServerProcess> targets;

    KillNode(List<ServerProcess> targets) {
        this.targets = List.copyOf(targets);
    }

    @Override
    public String kind() {
        return "kill9";
    }

    @Override
    public String strike(Random random) throws Exception {
        ServerProcess target = targets.get(random.nextInt(targets.size()));
        long pid = target.kill9();
        long down = Fault.pause(random, 200, 2000);
        Thread.sleep(down);
        long restarting = System.nanoTime();
        target.start();
        return String.format("kill -9 %s (pid %d), down %d ms, restarted in %d ms on %s", target.name(), pid, down,
                (System.nanoTime() - restarting) / 1_000_000, target.address());
    }
}
