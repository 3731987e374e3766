package fishchat.client;

import java.nio.file.Path;
import java.util.Map;

/** Where the terminal client keeps its files: {@code $XDG_CONFIG_HOME/fishchat}, else {@code ~/.config/fishchat}. */
public final class ConfigDir {
    private ConfigDir() {
    }

    public static Path of(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CONFIG_HOME");
        // The XDG spec: a relative value is invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "fishchat");
        }
        return Path.of(userHome, ".config", "fishchat");
    }

    public static Path current() {
        return of(System.getenv(), System.getProperty("user.home"));
    }
}
