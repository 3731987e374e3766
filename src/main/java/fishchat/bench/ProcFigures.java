package fishchat.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says a process holds, from /proc: resident memory (VmRSS), threads (every
 * platform thread, JVM-internal ones included) and open file descriptors (sockets, files,
 * pipes). Read from outside, so it works for any process this user may inspect.
 */
record ProcFigures(long rssBytes, long threads, long openFiles) {
    static ProcFigures of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rssKib = -1;
        long threads = -1;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKib = Long.parseLong(line.substring(6).trim().split("\\s+")[0]); // always in kB
            } else if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.substring(8).trim());
            }
        }
        if (rssKib < 0 || threads < 0) {
            throw new IOException(proc.resolve("status") + " has no VmRSS or Threads line");
        }
        long fds = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path ignored : entries) {
                fds++;
            }
        }
        return new ProcFigures(rssKib * 1024, threads, fds);
    }
}
