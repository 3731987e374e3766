package fishchat.store;

/**
 * What a login needs to know of a user, read at once: its newest seq (0: empty inbox), and since
 * when its tokens are revoked (epoch milliseconds; 0: never revoked).
 */
public record LoginState(long lastSeq, long revokedAtMillis) {
    public static final LoginState NEW_USER = new LoginState(0, 0);

    /** Whether a token issued at {@code issuedAtMillis} (0: it does not say) is refused by the revocation. */
    public boolean refuses(long issuedAtMillis) {
        return revokedAtMillis > 0 && issuedAtMillis < revokedAtMillis;
    }
}
