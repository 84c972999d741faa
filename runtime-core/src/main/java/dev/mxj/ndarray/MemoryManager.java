package dev.mxj.ndarray;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Allocation-pressure handling for array storage (DESIGN.md §5), modelled on how
 * {@code java.nio} bounds direct buffers: the runtime counts the bytes held by array storage
 * that has not been released yet; when an allocation would push that count above a threshold,
 * it runs {@link System#gc()} so that unreachable arrays are found, then waits briefly while
 * their {@link java.lang.ref.Cleaner} actions hand the storage back through the engine. Loops
 * that never close their temporaries (Python and JS scripts) thereby run with flat memory.
 *
 * <p>The threshold is {@code MXJ_GC_THRESHOLD_MB} (default 512); after a collection the next one
 * is due when live storage grows by another threshold, so a large, truly live working set does
 * not cause a collection per allocation. {@code 0} disables the handling.
 */
public final class MemoryManager {
    private static final Logger LOG = Logger.getLogger(MemoryManager.class.getName());
    private static final long DEFAULT_THRESHOLD_MB = 512;
    /** Longest a single pressure episode waits for cleaners, and how long it waits without progress. */
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int IDLE_POLLS = 10;

    private static final AtomicLong LIVE = new AtomicLong();
    private static final AtomicLong RELEASED = new AtomicLong();
    private static final AtomicLong GC_RUNS = new AtomicLong();
    private static final Object LOCK = new Object();
    private static volatile long threshold = readThreshold();
    private static volatile long gcAt = threshold;

    private MemoryManager() {}

    private static long readThreshold() {
        String v = System.getenv("MXJ_GC_THRESHOLD_MB");
        if (v == null || v.isBlank()) v = System.getProperty("mxj.gc.threshold.mb");
        if (v == null || v.isBlank()) return DEFAULT_THRESHOLD_MB << 20;
        try {
            long mb = Long.parseLong(v.trim());
            if (mb < 0) throw new NumberFormatException();
            return mb << 20;
        } catch (NumberFormatException e) {
            LOG.warning("MXJ_GC_THRESHOLD_MB must be a non-negative integer, got '" + v + "'; using " + DEFAULT_THRESHOLD_MB);
            return DEFAULT_THRESHOLD_MB << 20;
        }
    }

    /** Bytes of array storage allocated and not yet released, over all devices. */
    public static long liveBytes() { return LIVE.get(); }

    /** Number of collections triggered by allocation pressure so far. */
    public static long pressureCollections() { return GC_RUNS.get(); }

    public static long gcThresholdBytes() { return threshold; }

    /** Change the threshold at run time (0 disables); returns the previous value. */
    public static long setGcThresholdBytes(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("threshold must be >= 0, got " + bytes);
        synchronized (LOCK) {
            long old = threshold;
            threshold = bytes;
            gcAt = bytes;
            return old;
        }
    }

    /** Account for {@code bytes} about to be allocated; may collect garbage first. */
    static void reserve(long bytes) {
        long live = LIVE.addAndGet(bytes);
        long t = threshold;
        if (t > 0 && live > gcAt) relievePressure();
    }

    /** Storage of {@code bytes} went back to its device (called from the engine's deletion operation). */
    static void released(long bytes) {
        LIVE.addAndGet(-bytes);
        RELEASED.incrementAndGet();
    }

    /** Collect and wait for cleaners; used on pressure and after a native allocation failed. */
    static void relievePressure() {
        synchronized (LOCK) {
            long t = threshold;
            if (LIVE.get() <= gcAt) return;
            GC_RUNS.incrementAndGet();
            collectAndWait(t);
            gcAt = Math.max(t, LIVE.get() + t);
        }
    }

    /** Run a collection and wait while cleaners make progress (at most {@link #MAX_WAIT_NANOS}). */
    static void collectAndWait(long target) {
        long seen = RELEASED.get();
        System.gc();
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        int idle = 0;
        while (LIVE.get() > target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long r = RELEASED.get();
            if (r == seen) {
                if (++idle >= IDLE_POLLS) return;
            } else {
                idle = 0;
                seen = r;
            }
        }
    }
}
