package fishchat.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small metrics registry rendered in Prometheus' text format (version 0.0.4). Counters
 * are LongAdders (cheap on hot paths, read only when scraped); gauges are read at scrape
 * time from whatever owns the value. JDK only, so any package may use it.
 */
public final class Metrics {
    private final List<Family> families = new ArrayList<>();

    private sealed interface Family permits CounterFamily, GaugeFamily, HistogramFamily, CounterFnFamily {
        String name();

        void render(StringBuilder out);
    }

    /** A counter with one label (or none: label null); a series per label value. */
    public static final class Counter {
        private final Map<String, LongAdder> series = new ConcurrentHashMap<>();

        public void inc() {
            add("", 1);
        }

        public void add(long n) {
            add("", n);
        }

        public void inc(String labelValue) {
            add(labelValue, 1);
        }

        public void add(String labelValue, long n) {
            LongAdder adder = series.get(labelValue);
            if (adder == null) {
                adder = series.computeIfAbsent(labelValue, k -> new LongAdder());
            }
            adder.add(n);
        }

        public long value(String labelValue) {
            LongAdder adder = series.get(labelValue);
            return adder == null ? 0 : adder.sum();
        }
    }

    /** Fixed-bucket histogram of seconds. */
    public static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] buckets;
        private final LongAdder count = new LongAdder();
        private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds.clone();
            this.buckets = new LongAdder[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        public void observeNanos(long nanos) {
            observe(nanos / 1e9);
        }

        public void observe(double seconds) {
            for (int i = 0; i < bounds.length; i++) {
                if (seconds <= bounds[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        public long count() {
            return count.sum();
        }
    }

    private record CounterFamily(String name, String help, String label, Counter counter) implements Family {
        public void render(StringBuilder out) {
            header(out, name, help, "counter");
            Map<String, LongAdder> sorted = new TreeMap<>(counter.series);
            if (sorted.isEmpty() && label == null) {
                out.append(name).append(" 0\n");
            }
            for (Map.Entry<String, LongAdder> e : sorted.entrySet()) {
                out.append(name);
                if (label != null) {
                    out.append('{').append(label).append("=\"").append(escape(e.getKey())).append("\"}");
                }
                out.append(' ').append(e.getValue().sum()).append('\n');
            }
        }
    }

    private record GaugeFamily(String name, String help, DoubleSupplier value) implements Family {
        public void render(StringBuilder out) {
            header(out, name, help, "gauge");
            out.append(name).append(' ').append(format(value.getAsDouble())).append('\n');
        }
    }

    private record CounterFnFamily(String name, String help, java.util.function.LongSupplier value) implements Family {
        public void render(StringBuilder out) {
            header(out, name, help, "counter");
            out.append(name).append(' ').append(value.getAsLong()).append('\n');
        }
    }

    private record HistogramFamily(String name, String help, Histogram histogram) implements Family {
        public void render(StringBuilder out) {
            header(out, name, help, "histogram");
            long cumulative = 0;
            for (int i = 0; i < histogram.bounds.length; i++) {
                cumulative += histogram.buckets[i].sum();
                out.append(name).append("_bucket{le=\"").append(format(histogram.bounds[i])).append("\"} ")
                        .append(cumulative).append('\n');
            }
            long count = histogram.count.sum();
            out.append(name).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
            out.append(name).append("_sum ").append(format(histogram.sum.sum())).append('\n');
            out.append(name).append("_count ").append(count).append('\n');
        }
    }

    public Counter counter(String name, String help) {
        return counter(name, help, null);
    }

    /** A counter whose series are told apart by one label (e.g. code="93002"). */
    public Counter counter(String name, String help, String label) {
        Counter counter = new Counter();
        add(new CounterFamily(name, help, label, counter));
        return counter;
    }

    /** A counter kept by someone else (e.g. a LongAdder in libnet), read at scrape time. */
    public void counterOf(String name, String help, java.util.function.LongSupplier value) {
        add(new CounterFnFamily(name, help, value));
    }

    public void gauge(String name, String help, DoubleSupplier value) {
        add(new GaugeFamily(name, help, value));
    }

    /** Latency buckets from 0.5 ms to 5 s. */
    public Histogram latencyHistogram(String name, String help) {
        Histogram histogram = new Histogram(new double[] {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5});
        add(new HistogramFamily(name, help, histogram));
        return histogram;
    }

    private void add(Family family) {
        synchronized (families) {
            for (Family f : families) {
                if (f.name().equals(family.name())) {
                    throw new IllegalArgumentException("metric " + family.name() + " registered twice");
                }
            }
            families.add(family);
        }
    }

    /** The whole registry in Prometheus text format. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        synchronized (families) {
            for (Family family : families) {
                family.render(out);
            }
        }
        return out.toString();
    }

    /**
     * Every series' current value keyed as in {@link #render()} ({@code name{labels}}): what
     * /metrics says, as a map, for pages that chart it. Read from the rendered text on purpose,
     * so the two can never disagree.
     */
    public Map<String, Double> samples() {
        Map<String, Double> samples = new java.util.LinkedHashMap<>();
        for (String line : render().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.isEmpty() || line.startsWith("#") || space < 0) {
                continue;
            }
            String value = line.substring(space + 1);
            samples.put(line.substring(0, space), switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(value);
            });
        }
        return samples;
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    private static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
