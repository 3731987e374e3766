package fishchat.gateway;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's current access list. The request path only reads it; discovery (a static
 * list, or etcd polled in the background) swaps a whole new list in, so a request never
 * waits on discovery and never sees a half-updated list.
 */
public final class AccessDirectory {
    private final AtomicReference<AccessList> current;

    public AccessDirectory(AccessList initial) {
        this.current = new AtomicReference<>(initial);
    }

    public AccessList current() {
        return current.get();
    }

    /** Replaces the list; returns the one it replaced. */
    public AccessList replace(AccessList next) {
        return current.getAndSet(next);
    }
}
