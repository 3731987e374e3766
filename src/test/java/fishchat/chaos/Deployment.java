package fishchat.chaos;

import java.net.InetSocketAddress;
import java.util.List;

/** What chaos runs against: where clients enter, how they log in, and what can be broken. */
interface Deployment extends AutoCloseable {
    /** The gateway clients ask for an access server now (it may move when killed and restarted). */
    InetSocketAddress gateway();

    String token(long uid);

    /** The process faults this deployment can suffer; connection cuts come on top. */
    List<Fault> faults();
}
