package fishchat.bench.attack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process's heap after a full collection, asked from outside with the JDK's jcmd
 * ({@code GC.run}, then {@code GC.heap_info}): what its live objects take, garbage excluded.
 */
public final class HeapProbe {
    private static final Pattern USED = Pattern.compile("heap .*?used (\\d+)K");

    private HeapProbe() {
    }

    /** Bytes in use after a full GC of process {@code pid} (a JVM this user may attach to). */
    public static long afterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IOException("jcmd " + pid + " GC.heap_info printed no heap total: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jcmd = java.resolveSibling("jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
