package fishchat.node;

/**
 * The access addresses clients are told to dial ({@code host:port}): {@code --advertise} and
 * {@code --advertise-tls}, or, where one is null, the address the node is bound to.
 */
public record Advertised(String addr, String tlsAddr) {
    public static final Advertised BOUND = new Advertised(null, null);
}
