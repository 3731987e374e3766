package fishchat.cli;

import fishchat.discovery.etcd.EtcdRegistry;
import picocli.CommandLine.Option;

/** Where the etcd cluster is: --etcd, --etcd-prefix. */
final class EtcdFlags {
    @Option(names = "--etcd", paramLabel = "URL[,URL...]",
            description = "etcd endpoints (v2 API: run etcd with --enable-v2=true), e.g. http://127.0.0.1:2379; "
                    + "--etcd= (empty) turns off one set in a --config file.")
    String endpoints;

    @Option(names = "--etcd-prefix", defaultValue = "/fishchat", paramLabel = "PREFIX",
            description = "Key prefix; access nodes live under PREFIX/access (default: ${DEFAULT-VALUE}).")
    String prefix;

    /** Given and not empty: an empty value is how a command line turns off a config file's etcd. */
    boolean enabled() {
        return endpoints != null && !endpoints.isBlank();
    }

    /** Opens the registry; a malformed endpoint fails here, at start-up. */
    EtcdRegistry open() {
        try {
            return new EtcdRegistry(EtcdRegistry.parseEndpoints(endpoints), prefix);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException("--etcd: " + e.getMessage());
        }
    }
}
