package dev.mxj.cpu.kernels;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a kernel's index range over the CPU cores: the one thread budget of the CPU plugin.
 * Java loops, OpenBLAS GEMMs and oneDNN convolutions are all split here into chunks that run on
 * the calling thread plus {@code THREADS - 1} helper threads, while the native libraries run
 * single-threaded inside a chunk ({@link NativeThreads}). One budget, so on a 2-core machine at
 * most 2 threads compute at once (OpenBLAS's pool, oneDNN's OpenMP team and a Java pool each
 * sized to the cores used to run 4+ busy threads, several of them spinning).
 *
 * <p>The caller takes chunks too, from a shared counter, so a helper that is slow to wake or
 * descheduled (machines shared with other work) costs at most its one chunk in flight: the
 * caller runs the rest itself instead of waiting at a barrier, as OpenMP's static schedule and
 * OpenBLAS's threaded GEMM do. Work below {@code grain} elements per chunk stays on the caller:
 * waking a parked thread costs 20-25 µs on these machines, more than a small kernel takes.
 * Idle helpers spin {@code MXJ_CPU_SPIN_US} (default 300) before they park, so back-to-back
 * kernels of a training step hand off without a wake-up: with 50 µs the helper still parked
 * ~2.5 times per MLP training step and the caller ran ~3.7 of its 10 split kernels alone;
 * 300 µs made the step 4-8% faster (both spins alternating in one process), 2 ms no faster.
 * A {@code forRange} called from inside a chunk runs serially. Threads: OMP_NUM_THREADS, else the
 * core count.
 */
public final class CpuParallel {
    /** A body over the half-open index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(long from, long to);
    }

    public static final int THREADS = threads();
    private static final long SPIN_NANOS = spinNanos();

    private static final ConcurrentLinkedQueue<Job> JOBS = new ConcurrentLinkedQueue<>();
    private static final Helper[] HELPERS = new Helper[Math.max(0, THREADS - 1)];
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

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

    private static long spinNanos() {
        String v = System.getenv("MXJ_CPU_SPIN_US");
        if (v == null || v.isBlank()) return 300_000;
        try {
            return Math.max(0, Long.parseLong(v.trim())) * 1000;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("MXJ_CPU_SPIN_US must be a whole number of microseconds, got '" + v + "'");
        }
    }

    /** Run {@code body} over [0, n), in up to THREADS chunks of at least {@code grain} indices. */
    public static void forRange(long n, long grain, RangeBody body) {
        forChunks(n, HELPERS.length == 0 ? 1 : (int) Math.min(THREADS, n / Math.max(1, grain)), body);
    }

    /**
     * Run {@code body} over [0, n) split into {@code chunks} near-equal chunks (fewer when n is
     * smaller), in parallel where helpers are free; returns when all are done. The chunks are
     * fixed by n and {@code chunks} alone, so a computation that combines per-chunk results
     * (partial sums) gets the same result whatever the timing.
     */
    public static void forChunks(long n, int chunks, RangeBody body) {
        if (n <= 0) return;
        chunks = (int) Math.max(1, Math.min(chunks, n));
        int[] depth = DEPTH.get();
        if (chunks == 1 || HELPERS.length == 0 || depth[0] > 0) {
            long step = (n + chunks - 1) / chunks;
            depth[0]++;
            try {
                for (long from = 0; from < n; from += step) body.run(from, Math.min(n, from + step)); // the same chunks, serially
            } finally {
                depth[0]--;
            }
            return;
        }
        Job job = new Job(n, chunks, body, Thread.currentThread());
        JOBS.add(job);
        wakeHelpers(chunks - 1);
        depth[0]++;
        try {
            while (job.runOne(false)) { /* the caller works too, from the first chunk on */ }
        } finally {
            depth[0]--;
        }
        JOBS.remove(job);
        job.await();
        Throwable t = job.error.get();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    private static void wakeHelpers(int wanted) {
        for (int i = 0; i < HELPERS.length && wanted > 0; i++) {
            Helper h = HELPERS[i];
            if (h == null) h = startHelper(i);
            if (h.parked) {
                h.parked = false;
                LockSupport.unpark(h);
            }
            wanted--;
        }
    }

    private static synchronized Helper startHelper(int i) {
        if (HELPERS[i] == null) {
            Helper h = new Helper("mxj-cpu-" + (i + 1));
            h.start();
            HELPERS[i] = h;
        }
        return HELPERS[i];
    }

    /**
     * One forChunks call. The caller claims chunks from the front, helpers from the back, so
     * when everyone is on time the caller always runs chunk 0 and a lone helper the last one:
     * consecutive kernels with the same split then find their part of the data in the same
     * core's cache (a shared counter let the two trade halves from call to call). The owner
     * waits for {@code left} to reach 0.
     */
    static final class Job {
        final long n, step;
        final int chunks;
        final RangeBody body;
        final Thread owner;
        /** The unclaimed chunks [front, back), packed as front << 32 | back. */
        final AtomicLong unclaimed;
        final AtomicInteger left;
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile boolean ownerParked;

        Job(long n, int chunks, RangeBody body, Thread owner) {
            this.n = n;
            this.chunks = chunks;
            this.step = (n + chunks - 1) / chunks;
            this.body = body;
            this.owner = owner;
            this.left = new AtomicInteger(chunks);
            this.unclaimed = new AtomicLong(chunks);
        }

        /** The next chunk from the front (or the back), or -1 when all are claimed. */
        int claim(boolean fromBack) {
            for (;;) {
                long s = unclaimed.get();
                int front = (int) (s >>> 32), back = (int) s;
                if (front >= back) return -1;
                long next = fromBack ? (long) front << 32 | (back - 1) : (long) (front + 1) << 32 | back;
                if (unclaimed.compareAndSet(s, next)) return fromBack ? back - 1 : front;
            }
        }

        /** Claims and runs one chunk; false when none was left to claim. */
        boolean runOne(boolean fromBack) {
            int c = claim(fromBack);
            if (c < 0) return false;
            long from = c * step, to = Math.min(n, from + step);
            try {
                if (from < to && error.get() == null) body.run(from, to);
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            } finally {
                if (left.decrementAndGet() == 0 && ownerParked) LockSupport.unpark(owner);
            }
            return true;
        }

        boolean exhausted() {
            long s = unclaimed.get();
            return (int) (s >>> 32) >= (int) s;
        }

        /** Spins, then parks until every chunk has finished. */
        void await() {
            long deadline = System.nanoTime() + SPIN_NANOS;
            for (int i = 1; left.get() != 0; i++) {
                Thread.onSpinWait();
                if ((i & 63) == 0 && System.nanoTime() - deadline > 0) break;
            }
            if (left.get() == 0) return;
            ownerParked = true;
            while (left.get() != 0) LockSupport.parkNanos(this, 1_000_000);
            ownerParked = false;
        }
    }

    /** A helper thread: runs chunks of queued jobs; spins briefly when idle, then parks. */
    private static final class Helper extends Thread {
        volatile boolean parked;

        Helper(String name) {
            super(name);
            setDaemon(true);
        }

        @Override public void run() {
            DEPTH.get()[0] = 1; // a forRange from inside a chunk runs serially
            for (;;) {
                if (work()) continue;
                long deadline = System.nanoTime() + SPIN_NANOS;
                boolean found = false;
                for (int i = 1; ; i++) {
                    if (!JOBS.isEmpty()) {
                        found = true;
                        break;
                    }
                    Thread.onSpinWait();
                    if ((i & 63) == 0 && System.nanoTime() - deadline > 0) break;
                }
                if (found) continue;
                parked = true;
                if (!JOBS.isEmpty()) { // a job queued while we were deciding to park
                    parked = false;
                    continue;
                }
                while (parked) LockSupport.park(this);
            }
        }

        /** Runs chunks of the first job that still has some; false when there was none. */
        private static boolean work() {
            for (Job j : JOBS) {
                if (j.exhausted()) {
                    JOBS.remove(j);
                    continue;
                }
                while (j.runOne(true)) { /* take its chunks while they last */ }
                return true;
            }
            return false;
        }
    }
}
