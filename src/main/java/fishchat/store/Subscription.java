package fishchat.store;

/** Ends a {@link DeliveryListener}'s subscription; closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
