package fishchat.access;

import java.time.Duration;

/**
 * Chat settings of an access server.
 *
 * @param maxMessageBytes largest message text (UTF-8 bytes); larger sends get 90004
 * @param retention       how long messages are kept; older ones are purged hourly
 */
public record AccessOptions(int maxMessageBytes, Duration retention) {
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 4096;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);

    public static AccessOptions defaults() {
        return new AccessOptions(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_RETENTION);
    }
}
