package fishchat.client.terminal;

import java.util.List;

/** What Tab offers: the / commands, then for a command's first argument the ids it can take. */
public interface Completions {
    List<String> COMMANDS = List.of("/to", "/group", "/join", "/leave", "/help", "/quit");

    /** Ids the first argument of {@code command} may be (users for /to, groups for the group commands). */
    List<String> argumentsOf(String command);
}
