package dev.mxj.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.mxj.engine.ThreadedEngine.OprBlock;

/**
 * The workers of one execution context (or of one special property) and their ready queue.
 *
 * <p>The ready queue is ordered by priority, higher first, and FIFO within a priority. Workers
 * are started lazily, up to {@code maxWorkers}, so a program that only ever runs inline never
 * creates a thread. An idle worker spins for {@code spinNanos} before parking, because waking
 * a parked thread costs 20–25 µs on the machines we target while a spinning hand-off costs a
 * fraction of a microsecond. A submit wakes a parked worker only when the queued work exceeds
 * the workers already looking for work ({@code searching}), so bursts do not wake everyone.
 */
final class WorkerPool {
    private static final Comparator<OprBlock> ORDER = (a, b) ->
            a.priority != b.priority ? Integer.compare(b.priority, a.priority) : Long.compare(a.seq, b.seq);

    private final ThreadedEngine engine;
    private final String name;
    private final int maxWorkers;
    private final long spinNanos;

    // ---- guarded by this ----
    private final PriorityQueue<OprBlock> ready = new PriorityQueue<>(ORDER);
    private final ArrayDeque<Worker> parked = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private long seq;

    /** Size of {@link #ready}, readable by spinning workers without the lock. */
    private volatile int queued;
    private volatile boolean shutdown;
    /** Workers spinning, or woken/started and about to poll: they will take work without a wake-up. */
    private final AtomicInteger searching = new AtomicInteger();

    WorkerPool(ThreadedEngine engine, String name, int maxWorkers, long spinNanos) {
        this.engine = engine;
        this.name = name;
        this.maxWorkers = maxWorkers;
        this.spinNanos = spinNanos;
    }

    /** An engine worker thread; the engine never inlines on these and forbids waits from them. */
    static final class Worker extends Thread {
        final WorkerPool pool;
        volatile boolean parked;
        /** Whether this worker is included in {@link #searching}; only the worker itself touches it. */
        boolean counted = true;   // submit() counts a worker it starts

        Worker(WorkerPool pool, String name) {
            super(name);
            this.pool = pool;
            setDaemon(true);
        }

        @Override public void run() {
            for (OprBlock b; (b = pool.take(this)) != null; ) {
                try {
                    pool.engine.execute(b, this);
                } catch (Throwable t) {
                    // execute() catches operation errors; anything here is an engine bug: keep the worker alive.
                    System.getLogger("dev.mxj.engine").log(System.Logger.Level.ERROR, "engine worker " + getName(), t);
                }
                Thread.interrupted();   // an operation's interrupt must not leak into the next one or the park loop
            }
        }
    }

    /**
     * Queues a ready operation. {@code callerWillPoll} is true when the caller is one of this
     * pool's workers that will poll the queue right after: then one item needs no wake-up.
     */
    void submit(OprBlock b, boolean callerWillPoll) {
        Worker wake = null;
        boolean start = false;
        synchronized (this) {
            b.seq = seq++;
            ready.add(b);
            int q = ready.size();
            queued = q;
            if (q > searching.get() + (callerWillPoll ? 1 : 0)) {
                wake = parked.pollFirst();
                if (wake != null) {
                    wake.parked = false;
                    searching.incrementAndGet();
                } else if (workers.size() < maxWorkers && !shutdown) {
                    searching.incrementAndGet();
                    start = true;
                }
            }
        }
        if (wake != null) LockSupport.unpark(wake);
        if (start) startWorker();
    }

    private void startWorker() {
        Worker w;
        synchronized (this) {
            w = new Worker(this, "mxj-engine-" + name + "-" + workers.size());
            workers.add(w);
        }
        w.start();
    }

    /** Next operation for {@code w}; spins, then parks when idle. Null once shut down and drained. */
    private OprBlock take(Worker w) {
        for (;;) {
            synchronized (this) {
                OprBlock b = ready.poll();
                if (b != null) {
                    queued = ready.size();
                    stopSearching(w);
                    return b;
                }
                if (shutdown) {
                    stopSearching(w);
                    return null;
                }
            }
            if (!w.counted) {
                searching.incrementAndGet();
                w.counted = true;
            }
            if (spin()) continue;
            synchronized (this) {
                if (!ready.isEmpty() || shutdown) continue;
                stopSearching(w);
                w.parked = true;
                parked.addFirst(w);   // LIFO: the most recently active worker has the warmest caches
            }
            while (w.parked) LockSupport.park(this);
            w.counted = true;         // submit() counted us as searching when it woke us
        }
    }

    private void stopSearching(Worker w) {
        if (w.counted) {
            searching.decrementAndGet();
            w.counted = false;
        }
    }

    /** Spins until work is queued (true) or the spin budget is spent (false). */
    private boolean spin() {
        if (spinNanos == 0) return queued != 0;
        long deadline = System.nanoTime() + spinNanos;
        for (int i = 1; ; i++) {
            if (queued != 0 || shutdown) return true;
            Thread.onSpinWait();
            if ((i & 31) == 0 && System.nanoTime() - deadline > 0) return queued != 0;
        }
    }

    /** Lets the workers finish queued work, then stops them. */
    void shutdown() {
        List<Worker> all;
        synchronized (this) {
            shutdown = true;
            for (Worker w : parked) {
                w.parked = false;
                LockSupport.unpark(w);
            }
            parked.clear();
            all = List.copyOf(workers);
        }
        for (Worker w : all) {
            if (w == Thread.currentThread()) continue;
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    synchronized int startedWorkers() { return workers.size(); }

    @Override public String toString() { return "WorkerPool[" + name + "]"; }
}
