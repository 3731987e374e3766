package fishchat.client.terminal;

import fishchat.protocol.external.offsetMsg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints messages as they arrive, except: those that arrive while the backlog is still
 * being shown wait until it is done (so the terminal reads in order), and this process's
 * own sends coming back from its inbox (a group message reaches its sender's inbox too)
 * are not printed twice: "sent to group 7" said it already.
 */
final class LiveMessages {
    private static final int REMEMBERED_SENDS = 10_000;

    private final Console console;
    private final MessageLines lines;
    private final long me;
    private List<offsetMsg> held = new ArrayList<>(); // guarded by this; null once released
    private final Set<String> sentHere = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_SENDS;
        }
    });

    LiveMessages(Console console, MessageLines lines, long me) {
        this.console = console;
        this.lines = lines;
        this.me = me;
    }

    /** A message id this process sent: its copy in the inbox is not printed. */
    synchronized void sentHere(String msgId) {
        sentHere.add(msgId);
    }

    synchronized void arrived(offsetMsg m) {
        if (held != null) {
            held.add(m);
        } else {
            print(m);
        }
    }

    /** The backlog is shown: print what waited, and from now on print as messages come. */
    synchronized void release() {
        List<offsetMsg> waiting = held;
        held = null;
        waiting.forEach(this::print);
    }

    private void print(offsetMsg m) {
        if (m.getSourceUID() == me && sentHere.contains(m.getMsgID())) {
            return;
        }
        console.show(lines.format(m));
    }
}
