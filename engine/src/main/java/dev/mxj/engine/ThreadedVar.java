package dev.mxj.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.mxj.engine.ThreadedEngine.Node;
import dev.mxj.engine.ThreadedEngine.OprBlock;
import dev.mxj.engine.ThreadedEngine.WaitBlock;

/**
 * A variable of the threaded engine: who holds it now and a FIFO of the operations waiting
 * for it, as MXNet's ThreadedVar.
 *
 * <p>State: {@code readers} granted reads still running, {@code writing} a granted write
 * still running, and a queue of blocks not granted yet. The queue's head is always blocked
 * (a write behind running readers or a writer, or a read behind a writer), so a block is
 * granted at once exactly when the queue is empty and nothing conflicting runs.
 *
 * <p>All of that is guarded by a tiny per-variable lock. A push locks every variable of its
 * operation (in id order, so pushes never deadlock) so that two operations sharing several
 * variables are queued in the same order on all of them; releases lock one variable at a time.
 */
final class ThreadedVar implements Var {
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(ThreadedVar.class, "lockState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Ids order the locking of a push's variables. */
    final long id = IDS.incrementAndGet();
    final ThreadedEngine engine;

    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lockState;
    private volatile boolean deleted;

    // ---- guarded by the lock ----
    private Node[] queue;
    private boolean[] queueWrites;
    private int head;
    private int size;
    private int readers;
    private boolean writing;
    /** The error of the latest version, kept until a waitForVar consumes it. */
    private EngineException error;

    ThreadedVar(ThreadedEngine engine) { this.engine = engine; }

    @Override public String toString() { return "var#" + id; }

    boolean isDeleted() { return deleted; }

    /** Marks the var dead for later pushes; false if it already was. */
    boolean markDeleted() {
        synchronized (this) {
            if (deleted) return false;
            deleted = true;
            return true;
        }
    }

    // ---- lock: the critical sections are a few dozen instructions, so spin, then yield ----

    void lock() {
        if (!LOCK.compareAndSet(this, 0, 1)) lockSlow();
    }

    private void lockSlow() {
        for (int spins = 0; ; spins++) {
            if ((int) LOCK.getVolatile(this) == 0 && LOCK.compareAndSet(this, 0, 1)) return;
            if (spins < 64) Thread.onSpinWait();
            else if (spins < 256) Thread.yield();   // the holder may be descheduled on a busy machine
            else LockSupport.parkNanos(1_000);
        }
    }

    void unlock() { LOCK.setRelease(this, 0); }

    // ---- the following require the lock ----

    /** Whether a read (or write) would be granted right now. */
    boolean isFree(boolean write) {
        return !writing && size == 0 && (!write || readers == 0);
    }

    /** Grants a read or write; only after {@link #isFree} said yes. */
    void acquire(boolean write) {
        if (write) writing = true;
        else readers++;
    }

    EngineException error() { return error; }

    /** Takes the error for a waitForVar that is not behind any pending write. */
    EngineException takeError() {
        EngineException e = error;
        error = null;
        return e;
    }

    void enqueue(Node n, boolean write) {
        Node[] q = queue;
        if (q == null) {
            queue = q = new Node[4];
            queueWrites = new boolean[4];
        } else if (size == q.length) {
            grow();
            q = queue;
        }
        int i = (head + size) & (q.length - 1);
        q[i] = n;
        queueWrites[i] = write;
        size++;
    }

    private void grow() {
        int n = queue.length;
        Node[] q = new Node[n * 2];
        boolean[] w = new boolean[n * 2];
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (n - 1);
            q[k] = queue[i];
            w[k] = queueWrites[i];
        }
        queue = q;
        queueWrites = w;
        head = 0;
    }

    private Node pollHead() {
        Node n = queue[head];
        queue[head] = null;
        head = (head + 1) & (queue.length - 1);
        if (--size == 0 && queue.length > 64) {   // a burst is over: do not keep its big arrays per var
            queue = null;
            queueWrites = null;
            head = 0;
        }
        return n;
    }

    // ---- releases: lock, update, grant whatever became runnable ----

    /**
     * A read finished. Returns {@code ready} with the blocks that became runnable prepended
     * (they are dispatched by the caller after the lock is released).
     */
    Node releaseRead(Node ready) {
        lock();
        try {
            readers--;
            return grantWaiting(ready);
        } finally {
            unlock();
        }
    }

    /**
     * A write finished: record its error ({@code e}, may be null) as the new version's error,
     * or forget everything if it was the deleter; then grant the next blocks.
     */
    Node releaseWrite(EngineException e, boolean delete, Node ready) {
        lock();
        try {
            if (delete) error = null;
            else if (e != null) error = e;
            writing = false;
            return grantWaiting(ready);
        } finally {
            unlock();
        }
    }

    /**
     * Grants the reads at the head of the queue (all readers of the new version run together),
     * then a write if nothing is reading. A waitForVar block takes the error and needs no grant.
     * The error each operation sees is snapshotted here, in queue order, so a waitForVar that
     * clears it never hides it from an operation pushed before the wait.
     */
    private Node grantWaiting(Node ready) {
        if (writing) return ready;
        while (size > 0 && !queueWrites[head]) {
            Node n = pollHead();
            if (n instanceof WaitBlock w) {
                w.error = takeError();
                w.nextReady = ready;
                ready = w;
            } else {
                readers++;
                ready = ((OprBlock) n).grant(this, error, ready);
            }
        }
        if (readers == 0 && size > 0) {
            OprBlock b = (OprBlock) pollHead();
            writing = true;
            ready = b.grant(this, error, ready);
        }
        return ready;
    }
}
