package dev.mxj.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * MXNet's threaded dependency engine (DESIGN.md §3): a FIFO of pending blocks per variable, a
 * wait counter per pushed operation, dispatch when the counter reaches zero, and worker pools
 * per execution context.
 *
 * <p><b>Inline dispatch.</b> Handing an operation to a parked worker costs tens of
 * microseconds on our machines, far more than a small kernel. So an operation that is ready
 * when it is pushed (nothing earlier-pushed that conflicts with it is pending or running), runs
 * on the CPU with {@link FnProperty#NORMAL}, and is pushed by a thread that is neither an
 * engine worker nor already running an inline operation, runs right there on the pushing
 * thread. Readiness is decided under the locks of all its variables, so inlining can never
 * reorder conflicting operations; an inline asynchronous operation only starts on the pusher,
 * which never waits for its completion. {@code MXJ_ENGINE_INLINE=0} turns this off.
 *
 * <p><b>Errors</b> follow {@link NaiveEngine} exactly: a failed operation's error (wrapped in
 * {@link EngineException}) is stored on the variables it mutates; an operation whose variables
 * carry an error is skipped and passes the error on to what it mutates; {@link #waitForVar}
 * rethrows and clears a variable's error, {@link #waitForAll} the first error since the last
 * waitForAll. The error an operation sees is fixed when it is granted each variable, in queue
 * order, so results do not depend on timing.
 */
final class ThreadedEngine implements Engine {
    private static final Var[] NO_VARS = {};
    /** Up to this many variables per push, duplicates and lock order are found by scans, without allocation. */
    private static final int SMALL = 16;
    /** Depth of inline execution on this thread: operations pushed from an inline operation are not inlined. */
    private static final ThreadLocal<int[]> INLINE_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final RunContext CPU_RUN_CONTEXT = new Rc(ExecContext.CPU);

    private final EngineOptions opts;
    private final WorkerPool cpuPool;
    private final WorkerPool priorityPool;
    private final WorkerPool asyncPool;
    private final ConcurrentHashMap<ExecContext, WorkerPool> otherCpuPools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ExecContext, WorkerPool> computePools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ExecContext, WorkerPool> copyPools = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ExecContext, RunContext> runContexts = new ConcurrentHashMap<>();

    /** Operations pushed and not completed (inline synchronous ones are never counted). */
    private final AtomicLong pending = new AtomicLong();
    /** First error since the last waitForAll. */
    private final AtomicReference<EngineException> globalError = new AtomicReference<>();
    private final Object quiescent = new Object();
    private volatile int quiescenceWaiters;
    private volatile boolean closed;

    ThreadedEngine() { this(EngineOptions.fromEnvironment()); }

    ThreadedEngine(EngineOptions opts) {
        this.opts = opts;
        this.cpuPool = new WorkerPool(this, "cpu(0)", opts.cpuWorkers(), opts.spinNanos());
        this.priorityPool = new WorkerPool(this, "cpu-prioritized", opts.cpuPriorityWorkers(), opts.spinNanos());
        this.asyncPool = new WorkerPool(this, "async", opts.asyncWorkers(), opts.spinNanos());
    }

    EngineOptions options() { return opts; }

    // ------------------------------------------------------------------ blocks

    /** Something queued on a variable; linked into a ready list once it may proceed. */
    abstract static sealed class Node permits OprBlock, WaitBlock {
        Node nextReady;
    }

    /** A thread in {@link #waitForVar} queued as a reader behind the variable's pending writes. */
    static final class WaitBlock extends Node {
        final Thread thread = Thread.currentThread();
        /** Written under the variable's lock before {@link #done}. */
        EngineException error;
        volatile boolean done;

        void signal() {
            done = true;
            LockSupport.unpark(thread);
        }

        /** Spins briefly (the common case is a short wait), then parks. */
        void await(long spinNanos) {
            long deadline = System.nanoTime() + spinNanos;
            for (int i = 1; !done; i++) {
                Thread.onSpinWait();
                if ((i & 31) == 0 && System.nanoTime() - deadline > 0) break;
            }
            boolean interrupted = false;
            while (!done) {
                LockSupport.park(this);
                if (Thread.interrupted()) interrupted = true;
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** One push of an operation: its dependency counter, and the completion callback of async bodies. */
    static final class OprBlock extends Node implements AsyncFn.Completion {
        private static final VarHandle WAIT;
        private static final VarHandle STATE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                WAIT = l.findVarHandle(OprBlock.class, "wait", int.class);
                STATE = l.findVarHandle(OprBlock.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ThreadedEngine engine;
        /** A {@link SyncFn} or an {@link AsyncFn}. */
        final Object fn;
        final ExecContext ctx;
        final FnProperty prop;
        final int priority;
        final String name;
        /** Canonical dependency sets: no duplicates, no variable in both. */
        final Var[] reads;
        final Var[] writes;
        /** The sets as pushed, to pick the upstream error NaiveEngine would pick (first in reads ++ mutates). */
        final Var[] rankReads;
        final Var[] rankWrites;
        final boolean delete;
        /** Ready-queue tie-break, assigned by the pool. */
        long seq;
        /** Variables not granted yet. */
        @SuppressWarnings("unused") private volatile int wait;
        /** 0 running or queued, 1 completed: guards against a second completion call. */
        @SuppressWarnings("unused") private volatile int state;
        /**
         * Error inherited from a variable, the one of lowest rank. Written while granting;
         * read by the executor, which the last grant (an atomic decrement of {@code wait})
         * happens-before.
         */
        private EngineException upstream;
        private int upstreamRank = Integer.MAX_VALUE;

        OprBlock(ThreadedEngine engine, Object fn, ExecContext ctx, FnProperty prop, int priority, String name,
                 Var[] reads, Var[] writes, Var[] rankReads, Var[] rankWrites, boolean delete) {
            this.engine = engine;
            this.fn = fn;
            this.ctx = ctx;
            this.prop = prop;
            this.priority = priority;
            this.name = name;
            this.reads = reads;
            this.writes = writes;
            this.rankReads = rankReads == null ? reads : rankReads;
            this.rankWrites = rankWrites == null ? writes : rankWrites;
            this.delete = delete;
        }

        void initWait(int n) { WAIT.setVolatile(this, n); }

        /**
         * Variable {@code v} (whose current error is {@code err}) was granted; returns
         * {@code ready}, with this block prepended if that was the last variable it waited for.
         */
        Node grant(ThreadedVar v, EngineException err, Node ready) {
            if (err != null) noteUpstream(rank(rankReads, rankWrites, v), err);
            if ((int) WAIT.getAndAdd(this, -1) == 1) {
                nextReady = ready;
                return this;
            }
            return ready;
        }

        synchronized void noteUpstream(int rank, EngineException e) {
            if (rank < upstreamRank) {
                upstreamRank = rank;
                upstream = e;
            }
        }

        EngineException upstream() { return upstream; }

        @Override public void done() { completeOnce(null); }

        @Override public void fail(Throwable error) {
            completeOnce(error != null ? error : new NullPointerException("Completion.fail(null)"));
        }

        private void completeOnce(Throwable error) {
            if (!STATE.compareAndSet(this, 0, 1))
                throw new IllegalStateException("operation " + name + " completed twice");
            engine.complete(this, error, null);
        }

        /** The async body threw: that fails the operation, unless it already completed. */
        void bodyThrew(Throwable t) {
            if (STATE.compareAndSet(this, 0, 1)) engine.complete(this, t, null);
            else engine.globalError.compareAndSet(null, wrap(name, t));   // too late to fail it: report it
        }
    }

    /** A pre-built operation: canonical sets and lock order computed once, reused by every push. */
    private static final class PrebuiltOp implements Operation {
        final ThreadedEngine engine;
        final AsyncFn fn;
        final VarSet vars;
        final FnProperty prop;
        final String name;
        volatile boolean deleted;

        PrebuiltOp(ThreadedEngine engine, AsyncFn fn, VarSet vars, FnProperty prop, String name) {
            this.engine = engine;
            this.fn = fn;
            this.vars = vars;
            this.prop = prop;
            this.name = name;
        }

        @Override public String name() { return name; }

        @Override public String toString() { return "Operation[" + name + "]"; }
    }

    /**
     * Canonical dependency sets: {@code writes} are the distinct mutated vars, {@code reads} the
     * distinct read vars that are not mutated; {@code rankReads/rankWrites} are the sets as
     * pushed (null when that is the same); {@code lockOrder} all of them sorted by id.
     */
    private record VarSet(Var[] reads, Var[] writes, Var[] rankReads, Var[] rankWrites, ThreadedVar[] lockOrder) {
        static VarSet of(Var[] reads, Var[] mutates) {
            Set<Var> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Var> w = new ArrayList<>(mutates.length);
            for (Var v : mutates) if (seen.add(v)) w.add(v);
            List<Var> r = new ArrayList<>(reads.length);
            for (Var v : reads) if (seen.add(v)) r.add(v);
            boolean dups = r.size() + w.size() != reads.length + mutates.length;
            ThreadedVar[] order = new ThreadedVar[seen.size()];
            int k = 0;
            for (Var v : seen) order[k++] = (ThreadedVar) v;
            Arrays.sort(order, Comparator.comparingLong(v -> v.id));
            return new VarSet(r.toArray(NO_VARS), w.toArray(NO_VARS),
                    dups ? reads.clone() : null, dups ? mutates.clone() : null, order);
        }
    }

    private record Rc(ExecContext context) implements RunContext {
        @Override public Object stream() { return null; }
    }

    // ------------------------------------------------------------------ API

    @Override public Var newVar() { return new ThreadedVar(this); }

    @Override
    public void push(SyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name) {
        pushAny(Objects.requireNonNull(fn, "fn"), ctx, reads, mutates, prop, priority, name);
    }

    @Override
    public void pushAsync(AsyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name) {
        pushAny(Objects.requireNonNull(fn, "fn"), ctx, reads, mutates, prop, priority, name);
    }

    private void pushAny(Object fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(prop, "prop");
        checkOpen();
        for (Var v : reads) checkLive(v);
        for (Var v : mutates) checkLive(v);
        if (reads.length + mutates.length <= SMALL && !hasDuplicates(reads, mutates)) {
            schedule(fn, ctx, reads, mutates, null, null, null, false, prop, priority, name, false);
        } else {
            VarSet s = VarSet.of(reads, mutates);
            schedule(fn, ctx, s.reads, s.writes, s.rankReads, s.rankWrites, s.lockOrder, true, prop, priority, name, false);
        }
    }

    @Override
    public Operation newOperator(AsyncFn fn, Var[] reads, Var[] mutates, FnProperty prop, String name) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(prop, "prop");
        for (Var v : reads) own(v);
        for (Var v : mutates) own(v);
        return new PrebuiltOp(this, fn, VarSet.of(reads, mutates), prop, name);
    }

    @Override
    public void push(Operation op, ExecContext ctx, int priority) {
        if (!(op instanceof PrebuiltOp o) || o.engine != this)
            throw new IllegalArgumentException(op + " was not built by this engine");
        if (o.deleted) throw new IllegalStateException(op + " was deleted");
        Objects.requireNonNull(ctx, "ctx");
        checkOpen();
        VarSet s = o.vars;
        for (Var v : s.reads) checkLive(v);
        for (Var v : s.writes) checkLive(v);
        schedule(o.fn, ctx, s.reads, s.writes, s.rankReads, s.rankWrites, s.lockOrder, true, o.prop, priority, o.name, false);
    }

    @Override
    public void deleteOperator(Operation op) {
        if (!(op instanceof PrebuiltOp o) || o.engine != this)
            throw new IllegalArgumentException(op + " was not built by this engine");
        o.deleted = true;
    }

    @Override
    public void deleteVar(SyncFn deleter, ExecContext ctx, Var var) {
        Objects.requireNonNull(deleter, "deleter");
        Objects.requireNonNull(ctx, "ctx");
        ThreadedVar v = own(var);
        checkOpen();
        if (!v.markDeleted()) throw new IllegalStateException(var + " was already deleted");
        // A write of the var: runs after every operation pushed before it, whatever errors they left.
        schedule(deleter, ctx, NO_VARS, new Var[] {v}, null, null, null, true,
                FnProperty.NORMAL, Integer.MAX_VALUE, "deleteVar", true);
    }

    @Override
    public void waitForVar(Var var) {
        ThreadedVar v = own(var);
        checkNotInsideOperation("waitForVar");
        WaitBlock w = null;
        EngineException e = null;
        v.lock();
        try {
            if (v.isFree(false)) e = v.takeError();
            else v.enqueue(w = new WaitBlock(), false);
        } finally {
            v.unlock();
        }
        if (w != null) {
            w.await(opts.spinNanos());
            e = w.error;
        }
        if (e != null) {
            globalError.compareAndSet(e, null);   // as NaiveEngine: a rethrown error is not rethrown again by waitForAll
            throw e;
        }
    }

    @Override
    public void waitForAll() {
        checkNotInsideOperation("waitForAll");
        awaitQuiescence();
        EngineException e = globalError.getAndSet(null);
        if (e != null) throw e;
    }

    @Override public boolean isSynchronous() { return false; }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            checkNotInsideOperation("close");
            closed = true;
        }
        awaitQuiescence();
        cpuPool.shutdown();
        priorityPool.shutdown();
        asyncPool.shutdown();
        for (var m : List.of(otherCpuPools, computePools, copyPools))
            for (WorkerPool p : m.values()) p.shutdown();
    }

    /** Worker threads started so far, over all pools (tests: pure inline work starts none). */
    int startedWorkers() {
        int n = cpuPool.startedWorkers() + priorityPool.startedWorkers() + asyncPool.startedWorkers();
        for (var m : List.of(otherCpuPools, computePools, copyPools))
            for (WorkerPool p : m.values()) n += p.startedWorkers();
        return n;
    }

    // ------------------------------------------------------------------ scheduling

    /**
     * Queues one push on its variables and runs or dispatches it if nothing blocks it.
     * {@code reads}/{@code writes} are canonical; {@code owned} says whether the engine owns
     * those arrays (else they are the caller's and are copied if the push must be remembered).
     */
    private void schedule(Object fn, ExecContext ctx, Var[] reads, Var[] writes, Var[] rankReads, Var[] rankWrites,
                          ThreadedVar[] lockOrder, boolean owned, FnProperty prop, int priority, String name,
                          boolean delete) {
        int[] depth = null;
        if (opts.inline() && (delete || (prop == FnProperty.NORMAL && ctx.isCpu()))
                && !(Thread.currentThread() instanceof WorkerPool.Worker)) {
            depth = INLINE_DEPTH.get();
            if (depth[0] != 0) depth = null;
        }
        boolean inline = depth != null;
        OprBlock blk = null;
        EngineException upstream = null;
        boolean readyNow;
        lockAll(reads, writes, lockOrder);
        try {
            if (inline && fn instanceof SyncFn && allFree(reads, writes)) {
                // Fast path: every variable is free, so this runs now, here, without a block.
                upstream = acquireAll(reads, writes, rankReads, rankWrites);
                readyNow = true;
            } else {
                Var[] r = owned ? reads : reads.clone();
                Var[] w = owned ? writes : writes.clone();
                blk = new OprBlock(this, fn, ctx, prop, priority, name, r, w, rankReads, rankWrites, delete);
                int waiting = 0;
                for (Var x : r) waiting += appendTo((ThreadedVar) x, blk, false);
                for (Var x : w) waiting += appendTo((ThreadedVar) x, blk, true);
                blk.initWait(waiting);
                readyNow = waiting == 0;
                pending.incrementAndGet();   // before the unlock: from then on others may complete it
            }
        } finally {
            unlockAll(reads, writes, lockOrder);
        }
        if (blk == null) {
            runInline((SyncFn) fn, ctx, reads, writes, upstream, name, delete, depth);
        } else if (readyNow) {
            if (inline) {
                depth[0]++;
                try {
                    execute(blk, null);
                } finally {
                    depth[0]--;
                }
            } else {
                poolFor(ctx, prop).submit(blk, false);
            }
        }
        // else: the last variable to grant it dispatches it
    }

    /** Grants {@code v} to {@code b} now (0) or queues {@code b} on it (1). Needs v's lock. */
    private static int appendTo(ThreadedVar v, OprBlock b, boolean write) {
        if (v.isFree(write)) {
            v.acquire(write);
            EngineException e = v.error();
            if (e != null) b.noteUpstream(rank(b.rankReads, b.rankWrites, v), e);
            return 0;
        }
        v.enqueue(b, write);
        return 1;
    }

    private static boolean allFree(Var[] reads, Var[] writes) {
        for (Var x : reads) if (!((ThreadedVar) x).isFree(false)) return false;
        for (Var x : writes) if (!((ThreadedVar) x).isFree(true)) return false;
        return true;
    }

    /** Acquires every variable (all free); returns the upstream error NaiveEngine would pick. */
    private static EngineException acquireAll(Var[] reads, Var[] writes, Var[] rankReads, Var[] rankWrites) {
        EngineException up = null;
        int upRank = Integer.MAX_VALUE;
        for (int pass = 0; pass < 2; pass++) {
            boolean write = pass == 1;
            for (Var x : write ? writes : reads) {
                ThreadedVar v = (ThreadedVar) x;
                v.acquire(write);
                EngineException e = v.error();
                if (e != null) {
                    int k = rank(rankReads == null ? reads : rankReads, rankWrites == null ? writes : rankWrites, v);
                    if (k < upRank) {
                        upRank = k;
                        up = e;
                    }
                }
            }
        }
        return up;
    }

    private void runInline(SyncFn fn, ExecContext ctx, Var[] reads, Var[] writes, EngineException upstream,
                           String name, boolean delete, int[] depth) {
        Throwable err = null;
        if (upstream == null || delete) {
            depth[0]++;
            try {
                fn.run(runContext(ctx));
            } catch (Throwable t) {
                err = t;
            } finally {
                depth[0]--;
            }
        }
        release(reads, writes, delete, upstream, err, name, null);
    }

    /** Runs a dispatched block (on a worker, or inline for a block ready at push). */
    void execute(OprBlock b, WorkerPool.Worker self) {
        if (!b.delete && b.upstream() != null) {   // an input is poisoned: skip, pass the error on
            complete(b, null, self);
            return;
        }
        RunContext rc = runContext(b.ctx);
        if (b.fn instanceof SyncFn f) {
            Throwable err = null;
            try {
                f.run(rc);
            } catch (Throwable t) {
                err = t;
            }
            complete(b, err, self);
        } else {
            try {
                ((AsyncFn) b.fn).run(rc, b);
            } catch (Throwable t) {
                b.bodyThrew(t);
            }
        }
    }

    /**
     * Completes a block. {@code self} is the worker that ran a synchronous body and will poll
     * its queue next (so one newly ready op of its pool needs no wake-up), else null.
     */
    void complete(OprBlock b, Throwable err, WorkerPool.Worker self) {
        release(b.reads, b.writes, b.delete, b.delete ? null : b.upstream(), err, b.name, self);
        if (pending.decrementAndGet() == 0 && quiescenceWaiters != 0) {
            synchronized (quiescent) {
                quiescent.notifyAll();
            }
        }
    }

    /** Records the outcome on the variables, releases them and dispatches what became ready. */
    private void release(Var[] reads, Var[] writes, boolean delete, EngineException upstream, Throwable err,
                         String name, WorkerPool.Worker self) {
        EngineException e = null;
        if (delete) {
            if (err != null) globalError.compareAndSet(null, new EngineException("deleteVar", err));
        } else {
            e = upstream != null ? upstream : err == null ? null : wrap(name, err);
            if (e != null) globalError.compareAndSet(null, e);
        }
        Node ready = null;
        for (Var x : reads) ready = ((ThreadedVar) x).releaseRead(ready);
        for (Var x : writes) ready = ((ThreadedVar) x).releaseWrite(e, delete, ready);
        if (ready != null) dispatch(ready, self);
    }

    /** Dispatches a ready list, in the order its blocks were granted. */
    private void dispatch(Node ready, WorkerPool.Worker self) {
        Node rev = null;
        while (ready != null) {
            Node next = ready.nextReady;
            ready.nextReady = rev;
            rev = ready;
            ready = next;
        }
        while (rev != null) {
            Node next = rev.nextReady;
            rev.nextReady = null;
            if (rev instanceof WaitBlock w) {
                w.signal();
            } else {
                OprBlock b = (OprBlock) rev;
                WorkerPool pool = poolFor(b.ctx, b.prop);
                pool.submit(b, self != null && self.pool == pool);
            }
            rev = next;
        }
    }

    /**
     * The pool an operation runs on: CPU_PRIORITIZED and ASYNC have pools of their own (so
     * I/O or long asynchronous work never occupies the compute workers); CPU contexts have a
     * pool each; accelerators have a compute pool and a copy pool each (copies overlap compute).
     */
    private WorkerPool poolFor(ExecContext ctx, FnProperty prop) {
        if (prop == FnProperty.CPU_PRIORITIZED) return priorityPool;
        if (prop == FnProperty.ASYNC) return asyncPool;
        if (ctx.isCpu()) {
            if (ctx.deviceId() == 0) return cpuPool;
            return otherCpuPools.computeIfAbsent(ctx, c -> new WorkerPool(this, c.toString(), opts.cpuWorkers(), opts.spinNanos()));
        }
        if (prop == FnProperty.COPY_TO_DEVICE || prop == FnProperty.COPY_FROM_DEVICE)
            return copyPools.computeIfAbsent(ctx, c -> new WorkerPool(this, c + "-copy", opts.gpuCopyWorkers(), opts.spinNanos()));
        return computePools.computeIfAbsent(ctx, c -> new WorkerPool(this, c.toString(), opts.gpuWorkers(), opts.spinNanos()));
    }

    private RunContext runContext(ExecContext ctx) {
        return ctx == ExecContext.CPU ? CPU_RUN_CONTEXT : runContexts.computeIfAbsent(ctx, Rc::new);
    }

    // ------------------------------------------------------------------ helpers

    private void awaitQuiescence() {
        if (pending.get() == 0) return;
        long deadline = System.nanoTime() + opts.spinNanos();
        for (int i = 1; pending.get() != 0; i++) {
            Thread.onSpinWait();
            if ((i & 31) == 0 && System.nanoTime() - deadline > 0) break;
        }
        if (pending.get() == 0) return;
        boolean interrupted = false;
        synchronized (quiescent) {
            quiescenceWaiters++;
            try {
                while (pending.get() != 0) {
                    try {
                        quiescent.wait();
                    } catch (InterruptedException ex) {
                        interrupted = true;   // these waits are not interruptible; keep the flag
                    }
                }
            } finally {
                quiescenceWaiters--;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Waiting from inside an operation can deadlock (the awaited work may be queued behind
     * the caller, or need the caller's worker), so it is rejected outright rather than only
     * when it happens to block. Declare the variable as a dependency instead.
     */
    private static void checkNotInsideOperation(String what) {
        if (Thread.currentThread() instanceof WorkerPool.Worker || INLINE_DEPTH.get()[0] != 0)
            throw new IllegalStateException(what + " called from inside an engine operation: "
                    + "declare the variable as a read or mutate dependency instead");
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the engine is closed");
    }

    private ThreadedVar own(Var v) {
        if (v instanceof ThreadedVar t && t.engine == this) return t;
        Objects.requireNonNull(v, "var");
        throw new IllegalArgumentException(v + " was not created by this engine");
    }

    private void checkLive(Var v) {
        if (own(v).isDeleted()) throw new IllegalStateException(v + " was deleted");
    }

    private static boolean hasDuplicates(Var[] reads, Var[] writes) {
        int nr = reads.length, n = nr + writes.length;
        for (int p = 1; p < n; p++) {
            Var v = p < nr ? reads[p] : writes[p - nr];
            for (int q = 0; q < p; q++) if ((q < nr ? reads[q] : writes[q - nr]) == v) return true;
        }
        return false;
    }

    /** Locks every variable in id order (so concurrent pushes cannot deadlock). Sets have no duplicates. */
    private static void lockAll(Var[] reads, Var[] writes, ThreadedVar[] order) {
        if (order != null) {
            for (ThreadedVar v : order) v.lock();
            return;
        }
        int nr = reads.length, n = nr + writes.length;
        long prev = Long.MIN_VALUE;
        for (;;) {
            ThreadedVar next = null;
            for (int p = 0; p < n; p++) {
                ThreadedVar v = (ThreadedVar) (p < nr ? reads[p] : writes[p - nr]);
                if (v.id > prev && (next == null || v.id < next.id)) next = v;
            }
            if (next == null) return;
            next.lock();
            prev = next.id;
        }
    }

    private static void unlockAll(Var[] reads, Var[] writes, ThreadedVar[] order) {
        if (order != null) {
            for (ThreadedVar v : order) v.unlock();
            return;
        }
        for (Var v : reads) ((ThreadedVar) v).unlock();
        for (Var v : writes) ((ThreadedVar) v).unlock();
    }

    /** Position of {@code v}'s first occurrence in {@code reads ++ writes}: NaiveEngine's error order. */
    static int rank(Var[] reads, Var[] writes, Var v) {
        for (int i = 0; i < reads.length; i++) if (reads[i] == v) return i;
        for (int j = 0; j < writes.length; j++) if (writes[j] == v) return reads.length + j;
        return Integer.MAX_VALUE;
    }

    static EngineException wrap(String name, Throwable t) {
        return t instanceof EngineException e ? e : new EngineException(name, t);
    }
}
