package fishchat.cli;

/**
 * Why a server could not start, as an operator reads it: one line, and at most one line of
 * hint (e.g. which flag moves a busy port). Exit status 2: a supervisor should not retry it.
 */
final class StartupException extends Exception {
    private final String hint;

    StartupException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    /** The second line, or null. */
    String hint() {
        return hint;
    }
}
