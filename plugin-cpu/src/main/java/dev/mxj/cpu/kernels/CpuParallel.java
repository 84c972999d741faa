package dev.mxj.cpu.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a kernel's index range over the CPU cores. Work below {@code grain} elements per
 * thread stays on the calling engine worker: waking a parked thread costs 20-25 µs on these
 * machines, more than a small kernel takes. Threads: OMP_NUM_THREADS, else the core count.
 */
public final class CpuParallel {
    /** A body over the half-open index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(long from, long to);
    }

    public static final int THREADS = threads();
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS - 1) : null;

    private CpuParallel() {}

    private static int threads() {
        String v = System.getenv("OMP_NUM_THREADS");
        int n = Runtime.getRuntime().availableProcessors();
        if (v != null && !v.isBlank()) {
            try {
                n = Math.max(1, Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                // ignore a malformed value, as OpenMP runtimes do
            }
        }
        return n;
    }

    /** Run {@code body} over [0, n), in up to THREADS chunks of at least {@code grain} indices. */
    public static void forRange(long n, long grain, RangeBody body) {
        int chunks = (int) Math.min(THREADS, n / Math.max(1, grain));
        if (chunks <= 1 || POOL == null) {
            if (n > 0) body.run(0, n);
            return;
        }
        long step = (n + chunks - 1) / chunks;
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            long from = c * step, to = Math.min(n, from + step);
            if (from < to) tasks.add(POOL.submit(() -> body.run(from, to)));
        }
        body.run(0, Math.min(n, step));
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
