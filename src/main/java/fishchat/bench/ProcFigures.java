package fishchat.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says a process holds, from /proc: resident memory (VmRSS), threads (every
 * platform thread, JVM-internal ones included) and open file descriptors (sockets, files,
 * pipes); and the CPU time it has used. Read from outside, so it works for any process
 * this user may inspect.
 */
record ProcFigures(long rssBytes, long threads, long openFiles) {
    /** Linux reports CPU times in /proc in USER_HZ ticks: 100 a second on x86 and ARM. */
    private static final long MICROS_PER_TICK = 10_000;

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

    /**
     * The CPU time the process has used so far, all its threads, user and system
     * (utime + stime of /proc/PID/stat), in microseconds; in steps of 10 ms.
     */
    static long cpuMicros(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // Fields after the command name, which is in parentheses and may itself hold spaces:
        // state is field 3, utime 14, stime 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MICROS_PER_TICK;
    }
}
