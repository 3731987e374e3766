package fishchat.store.postgres;

import fishchat.store.AppendResult;
import fishchat.store.NewMessage;
import fishchat.store.StoreUnavailableException;

/**
 * One message of a batch: its outcome is filled in when the batch is flushed, before the
 * commit, and read by its sender only after the commit.
 */
final class PendingAppend {
    final NewMessage message;
    private AppendResult result;
    private String refusal;

    PendingAppend(NewMessage message) {
        this.message = message;
    }

    void stored(AppendResult outcome) {
        this.result = outcome;
    }

    /** The database refused this message alone (the rest of its batch went on). */
    void refused(String why) {
        this.refusal = why;
    }

    AppendResult result() {
        if (refusal != null) {
            throw new StoreUnavailableException("store refused the message: " + refusal, null);
        }
        if (result == null) {
            throw new IllegalStateException("read before its batch was flushed");
        }
        return result;
    }
}
