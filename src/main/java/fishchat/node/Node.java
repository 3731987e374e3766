package fishchat.node;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The parts of one server process (a store, an access server, a chat page, an admin port…),
 * started in order and stopped in reverse: what started last, and depends on what started
 * before it, stops first. A start that fails stops what had started, in reverse, and the
 * failure goes on to the caller. Not thread-safe: one thread assembles, one stops.
 */
public final class Node {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    /** Starts a part. */
    @FunctionalInterface
    public interface Start<T> {
        T start() throws Exception;
    }

    /** Stops a part, within {@code grace} where it has requests to finish. */
    @FunctionalInterface
    public interface Stop<T> {
        void stop(T part, Duration grace) throws Exception;
    }

    /** Builds a node's parts on {@code node}; returns what the caller keeps of it. */
    @FunctionalInterface
    public interface Assembly<T> {
        T assemble(Node node) throws Exception;
    }

    private record Started(String name, Stopping stopping) {
    }

    @FunctionalInterface
    private interface Stopping {
        void stop(Duration grace) throws Exception;
    }

    private final String role;
    private final Deque<Started> started = new ArrayDeque<>();
    private final List<Runnable> beforeStop = new ArrayList<>();

    private Node(String role) {
        this.role = role;
    }

    /** Runs {@code assembly} on a new node; if it throws, what it started is stopped and the failure rethrown. */
    public static <T> T assemble(String role, Assembly<T> assembly) throws Exception {
        Node node = new Node(role);
        try {
            return assembly.assemble(node);
        } catch (Exception | Error e) {
            node.stop(Duration.ZERO);
            throw e;
        }
    }

    /** Starts a part and remembers how to stop it. */
    public <T> T start(String name, Start<T> start, Stop<T> stop) throws Exception {
        T part = start.start();
        started.push(new Started(name, grace -> stop.stop(part, grace)));
        return part;
    }

    /** Something to do first when the node begins to stop, e.g. tell health checks it is draining. */
    public void beforeStop(Runnable hook) {
        beforeStop.add(hook);
    }

    /**
     * Stops every part in reverse order of start. A part that fails to stop is logged and the
     * others still stop. Safe to call more than once.
     */
    public void stop(Duration grace) {
        for (Runnable hook : beforeStop) {
            hook.run();
        }
        beforeStop.clear();
        while (!started.isEmpty()) {
            Started part = started.pop();
            try {
                part.stopping().stop(grace);
            } catch (Exception | Error e) {
                LOG.log(WARNING, role + ": stopping " + part.name() + " failed", e);
            }
        }
    }

    public String role() {
        return role;
    }
}
