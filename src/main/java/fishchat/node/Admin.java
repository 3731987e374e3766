package fishchat.node;

import fishchat.admin.AdminServer;
import fishchat.metrics.Metrics;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The admin port as a part of a node: started when asked for, "draining" once the node begins to stop. */
final class Admin {
    private Admin() {
    }

    /** Null when {@code bind} is null (no --admin-listen). */
    static AdminServer start(Node node, InetSocketAddress bind, Metrics metrics, List<Supplier<Optional<String>>> checks,
                             String role, Supplier<List<String>> accessList) throws Exception {
        if (bind == null) {
            return null;
        }
        AdminServer admin = node.start("admin", () -> new AdminServer(bind, metrics, checks).start(),
                (server, grace) -> server.close());
        admin.describe(role, accessList);
        node.beforeStop(admin::draining);
        return admin;
    }
}
