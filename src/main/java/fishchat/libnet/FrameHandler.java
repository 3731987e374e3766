package fishchat.libnet;

import java.io.IOException;

/**
 * What a server does with its sessions. Runs on the session's own virtual thread, so a
 * handler may block (store, network) without holding up anyone else.
 */
public interface FrameHandler {
    /** Called once before the first frame is read. */
    default void onOpen(Session session) throws IOException {
    }

    /** Called for every frame body, in order. An IOException ends the session. */
    void onFrame(Session session, byte[] body) throws IOException;

    /**
     * Whether handling this frame may park deep in a call chain, e.g. waiting for a
     * database. If so, {@link #onFrame} runs on a short-lived virtual thread while the
     * session thread waits for it (see {@link DeepWork}): the session then keeps a small
     * stack while it idles. Answering from memory (a ping) needs no such thread: false.
     */
    default boolean mayBlockDeep(Session session, byte[] body) {
        return false;
    }

    /** Called once after the session closed, whatever the reason. */
    default void onClose(Session session) {
    }
}
