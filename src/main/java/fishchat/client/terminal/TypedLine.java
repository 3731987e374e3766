package fishchat.client.terminal;

import fishchat.client.Outgoing;

/** What a typed line asks for. */
sealed interface TypedLine {
    String HELP = "commands: /to UID text · /group GID text · /join GID · /leave GID · /help · /quit";

    /** A request for the server. */
    record Request(Outgoing request) implements TypedLine {
    }

    record Quit() implements TypedLine {
    }

    record Help() implements TypedLine {
    }

    /** A blank line: nothing to do. */
    record Blank() implements TypedLine {
    }

    /** A line that is not a command, and why. */
    record Mistake(String why) implements TypedLine {
    }

    static TypedLine parse(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return new Blank();
        }
        String[] words = trimmed.split("\\s+", 3);
        return switch (words[0]) {
            case "/quit", "/exit" -> new Quit();
            case "/help", "/?" -> new Help();
            case "/to" -> withId(words, "/to UID text", "a user id", true,
                    (id, text) -> new Outgoing.ToUser(id, text));
            case "/group" -> withId(words, "/group GID text", "a group id", true,
                    (id, text) -> new Outgoing.ToGroup(id, text));
            case "/join" -> withId(words, "/join GID", "a group id", false, (id, text) -> new Outgoing.Join(id));
            case "/leave" -> withId(words, "/leave GID", "a group id", false, (id, text) -> new Outgoing.Leave(id));
            default -> new Mistake(words[0].startsWith("/")
                    ? "unknown command " + words[0] + "; " + HELP
                    : "to write to someone: /to UID text, or /group GID text; " + HELP);
        };
    }

    interface Make {
        Outgoing make(long id, String text);
    }

    private static TypedLine withId(String[] words, String usage, String idName, boolean needsText, Make make) {
        if (words.length < 2) {
            return new Mistake("usage: " + usage);
        }
        long id;
        try {
            id = Long.parseLong(words[1]);
        } catch (NumberFormatException e) {
            return new Mistake("'" + words[1] + "' is not " + idName + "; usage: " + usage);
        }
        if (id <= 0) {
            return new Mistake(idName + " is a positive number; usage: " + usage);
        }
        if (needsText && (words.length < 3 || words[2].isBlank())) {
            return new Mistake("no text to send; usage: " + usage);
        }
        if (!needsText && words.length > 2) {
            return new Mistake("usage: " + usage);
        }
        return new Request(make.make(id, needsText ? words[2] : null));
    }
}
