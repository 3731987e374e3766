package fishchat.admin;

import fishchat.metrics.Metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process's heap and thread figures as metrics {@code fishchat_jvm_…}, so that a long
 * run can watch them over the admin port without attaching to the JVM. One set per
 * process: {@link AdminServer} registers them.
 */
public final class JvmMetrics {
    private JvmMetrics() {
    }

    public static void register(Metrics metrics) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).toList();
        metrics.gauge("fishchat_jvm_heap_used_bytes", "Heap in use now, garbage not yet collected included",
                () -> memory.getHeapMemoryUsage().getUsed());
        metrics.gauge("fishchat_jvm_heap_after_gc_bytes",
                "Heap in use right after the latest collection of the young generation (or a full one); 0 before the first",
                () -> heapAfterLatestGc(heapPools));
        metrics.gauge("fishchat_jvm_threads", "Live platform threads (virtual threads are not counted)",
                threads::getThreadCount);
    }

    /**
     * The heap right after the latest collection that covered every heap pool (G1: a young or
     * full one; its concurrent cycle covers only the old generation, so the eden it reports
     * was never collected). Not each pool's {@link MemoryPoolMXBean#getCollectionUsage()}: G1
     * updates the old generation's only at the end of a concurrent cycle or a full GC, so on a
     * server whose old generation never fills that far it stays 0 and hides exactly what a
     * leak promotes there. This figure includes old-generation garbage not yet reclaimed, so
     * it saws up and down; what survives each drop is the live set.
     */
    static long heapAfterLatestGc(List<String> heapPools) {
        com.sun.management.GcInfo latest = null;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(collector instanceof com.sun.management.GarbageCollectorMXBean gc)
                    || !Set.of(collector.getMemoryPoolNames()).containsAll(heapPools)) {
                continue;
            }
            com.sun.management.GcInfo info = gc.getLastGcInfo();
            if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                latest = info;
            }
        }
        if (latest == null) {
            return 0;
        }
        Map<String, MemoryUsage> after = latest.getMemoryUsageAfterGc();
        long used = 0;
        for (String pool : heapPools) {
            MemoryUsage usage = after.get(pool);
            used += usage == null ? 0 : usage.getUsed();
        }
        return used;
    }
}
