package fishchat.bench;

import java.util.Locale;

/**
 * One reading of the server under load, {@code elapsedSeconds} after the load program
 * started; a figure that could not be read is -1 (an empty CSV field, which plots as a gap).
 */
record ServerSample(double elapsedSeconds, long rssBytes, long threads, long openFiles, long heapUsedBytes,
                    long heapAfterGcBytes) {
    static final String CSV_HEADER = "elapsed_s,rss_bytes,threads,open_files,heap_used_bytes,heap_after_gc_bytes";

    String csvLine() {
        return String.format(Locale.ROOT, "%.1f,%s,%s,%s,%s,%s", elapsedSeconds, field(rssBytes), field(threads),
                field(openFiles), field(heapUsedBytes), field(heapAfterGcBytes));
    }

    /** For a progress line, e.g. "rss=212MiB threads=31 fds=2043 heap=80MiB after_gc=41MiB". */
    String summary() {
        return String.format(Locale.ROOT, "rss=%s threads=%s fds=%s heap=%s after_gc=%s", mebibytes(rssBytes),
                known(threads), known(openFiles), mebibytes(heapUsedBytes), mebibytes(heapAfterGcBytes));
    }

    private static String field(long value) {
        return value < 0 ? "" : Long.toString(value);
    }

    private static String known(long value) {
        return value < 0 ? "?" : Long.toString(value);
    }

    private static String mebibytes(long bytes) {
        return bytes < 0 ? "?" : (bytes >> 20) + "MiB";
    }
}
