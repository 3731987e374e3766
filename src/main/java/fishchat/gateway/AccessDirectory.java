package fishchat.gateway;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The gateway's current access lists: the plaintext addresses, and the TLS ones that a
 * client which reached the gateway over TLS is given (never a plaintext one: that would
 * silently downgrade it). The request path only reads it; discovery (a static
 * list, or etcd polled in the background) swaps a whole new list in, so a request never
 * waits on discovery and never sees a half-updated list.
 */
public final class AccessDirectory {
    private final AtomicReference<AccessList> current;
    private final AtomicReference<AccessList> currentTls;

    public AccessDirectory(AccessList initial) {
        this(initial, AccessList.EMPTY);
    }

    public AccessDirectory(AccessList initial, AccessList initialTls) {
        this.current = new AtomicReference<>(initial);
        this.currentTls = new AtomicReference<>(initialTls);
    }

    public AccessList current() {
        return current.get();
    }

    /** The list for a client on {@code secure} (TLS) or plaintext. */
    public AccessList current(boolean secure) {
        return secure ? currentTls.get() : current.get();
    }

    /** Replaces the TLS list; returns the one it replaced. */
    public AccessList replaceTls(AccessList next) {
        return currentTls.getAndSet(next);
    }

    /** Replaces the list; returns the one it replaced. */
    public AccessList replace(AccessList next) {
        return current.getAndSet(next);
    }
}
