package fishchat.store;

/**
 * The store could not do what was asked in time (disk full, database down, overloaded).
 * Nothing the caller asked for may be assumed done: a send is not acknowledged.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
