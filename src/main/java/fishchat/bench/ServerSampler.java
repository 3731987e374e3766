package fishchat.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the server's memory, threads and open files on a fixed period from a thread of its
 * own, so that a slow or stuck load never delays a sample: /proc for the process (when a pid
 * is given) and the admin endpoint's JVM gauges (when a metrics URL is given). Each sample is
 * appended and flushed to the CSV file (when given) at once, so a run cut short keeps what it
 * measured.
 */
public final class ServerSampler implements AutoCloseable {
    private final long pid;
    private final MetricsScrape metrics;
    private final BufferedWriter csv;
    private final Duration every;
    private final PrintStream warnings;
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile ServerSample latest;
    private Thread thread;

    /**
     * @param pid        the server's process id, or -1: no /proc figures
     * @param metricsUrl the server's /metrics, or null: no heap figures
     * @param csvFile    where to write the samples, or null: keep only the latest
     * @param warnings   where the first failed reading of each kind is reported
     */
    public ServerSampler(long pid, URI metricsUrl, Path csvFile, Duration every, PrintStream warnings) throws IOException {
        if (pid < 0 && metricsUrl == null) {
            throw new IllegalArgumentException("nothing to sample: give a pid or a metrics URL");
        }
        this.pid = pid;
        this.metrics = metricsUrl == null ? null : new MetricsScrape(metricsUrl);
        this.every = every;
        this.warnings = warnings;
        if (csvFile != null) {
            this.csv = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8);
            csv.write(ServerSample.CSV_HEADER);
            csv.newLine();
            csv.flush();
        } else {
            this.csv = null;
        }
    }

    /** Samples at {@code startNanos}, then every period after it, until closed. */
    public void start(long startNanos) {
        thread = Thread.ofVirtual().name("soak-sampler").start(() -> {
            try {
                for (long next = startNanos; !stop.await(next - System.nanoTime(), TimeUnit.NANOSECONDS);
                     next += every.toNanos()) {
                    sample((System.nanoTime() - startNanos) / 1e9);
                }
            } catch (InterruptedException e) {
                // closing
            }
        });
    }

    private void sample(double elapsedSeconds) {
        ProcFigures proc = new ProcFigures(-1, -1, -1);
        if (pid >= 0) {
            try {
                proc = ProcFigures.of(pid);
            } catch (IOException | RuntimeException e) {
                failed("/proc/" + pid, e);
            }
        }
        long heapUsed = -1;
        long heapAfterGc = -1;
        if (metrics != null) {
            try {
                Map<String, Double> series = metrics.read();
                heapUsed = gauge(series, "fishchat_jvm_heap_used_bytes");
                heapAfterGc = gauge(series, "fishchat_jvm_heap_after_gc_bytes");
            } catch (IOException | RuntimeException e) {
                failed(metrics.toString(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        ServerSample sample = new ServerSample(elapsedSeconds, proc.rssBytes(), proc.threads(), proc.openFiles(),
                heapUsed, heapAfterGc);
        latest = sample;
        samples.incrementAndGet();
        if (csv != null) {
            try {
                csv.write(sample.csvLine());
                csv.newLine();
                csv.flush();
            } catch (IOException e) {
                failed("the samples file", e);
            }
        }
    }

    private static long gauge(Map<String, Double> series, String name) throws IOException {
        Double value = series.get(name);
        if (value == null) {
            throw new IOException("no " + name + " (a server without JVM gauges?)");
        }
        return value.longValue();
    }

    private void failed(String source, Exception e) {
        if (failures.getAndIncrement() == 0) {
            warnings.println("sampling " + source + " failed: " + e.getMessage() + " (later failures are only counted)");
        }
    }

    /** The most recent sample, or null before the first. */
    public ServerSample latest() {
        return latest;
    }

    public long samples() {
        return samples.get();
    }

    /** Readings that failed (a missing process, an unreachable admin port). */
    public long failures() {
        return failures.get();
    }

    /** Stops sampling and closes the CSV file. */
    @Override
    public void close() throws IOException {
        stop.countDown(); // not an interrupt: that would close the CSV file's channel in mid-line
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (csv != null) {
            csv.close();
        }
    }
}
