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

    /**
     * Called for every frame body, in order. An IOException ends the session. Work that may
     * park deep in a call chain (a store round trip) goes through {@link Session#runDeep}.
     */
    void onFrame(Session session, byte[] body) throws IOException;

    /** Called once after the session closed, whatever the reason. */
    default void onClose(Session session) {
    }
}
