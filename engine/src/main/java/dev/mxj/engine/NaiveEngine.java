package dev.mxj.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The synchronous engine: every push runs on the pushing thread before returning. Used for
 * debugging (MXJ_ENGINE_TYPE=NaiveEngine) and as the reference the threaded engine is tested
 * against. Error semantics are the threaded engine's: errors are stored, not thrown at push.
 */
public final class NaiveEngine implements Engine {
    private static final AtomicLong IDS = new AtomicLong();
    /** Pushes may come from many threads; the naive engine runs them one at a time. */
    private final Object lock = new Object();
    private Throwable globalError;

    static final class NaiveVar implements Var {
        final long id = IDS.incrementAndGet();
        Throwable error;
        boolean deleted;

        @Override public String toString() { return "var#" + id; }
    }

    private record Op(AsyncFn fn, Var[] reads, Var[] mutates, FnProperty prop, String name) implements Operation {}

    private record Ctx(ExecContext context) implements RunContext {
        @Override public Object stream() { return null; }
    }

    @Override public Var newVar() { return new NaiveVar(); }

    @Override
    public void push(SyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name) {
        pushAsync((rc, done) -> { fn.run(rc); done.done(); }, ctx, reads, mutates, prop, priority, name);
    }

    @Override
    public void pushAsync(AsyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name) {
        synchronized (lock) {
            Throwable upstream = null;
            for (Var v : reads) upstream = firstError(upstream, v);
            for (Var v : mutates) upstream = firstError(upstream, v);
            Throwable err = upstream;
            if (err == null) err = runToCompletion(fn, ctx, name);
            if (err != null) {
                for (Var v : mutates) ((NaiveVar) v).error = err;
                if (globalError == null) globalError = err;
            }
        }
    }

    private static Throwable firstError(Throwable current, Var v) {
        NaiveVar nv = (NaiveVar) v;
        if (nv.deleted) throw new IllegalStateException(v + " was deleted");
        return current != null ? current : nv.error;
    }

    private static Throwable runToCompletion(AsyncFn fn, ExecContext ctx, String name) {
        CountDownLatch latch = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        try {
            fn.run(new Ctx(ctx), new AsyncFn.Completion() {
                @Override public void done() { latch.countDown(); }
                @Override public void fail(Throwable e) { failure[0] = e; latch.countDown(); }
            });
            latch.await();
        } catch (Throwable t) {
            failure[0] = t;
        }
        Throwable t = failure[0];
        if (t == null) return null;
        return t instanceof EngineException ? t : new EngineException(name, t);
    }

    @Override
    public Operation newOperator(AsyncFn fn, Var[] reads, Var[] mutates, FnProperty prop, String name) {
        return new Op(fn, reads.clone(), mutates.clone(), prop, name);
    }

    @Override
    public void push(Operation op, ExecContext ctx, int priority) {
        Op o = (Op) op;
        pushAsync(o.fn, ctx, o.reads, o.mutates, o.prop, priority, o.name);
    }

    @Override public void deleteOperator(Operation op) {}

    @Override
    public void waitForVar(Var var) {
        synchronized (lock) {
            NaiveVar v = (NaiveVar) var;
            Throwable e = v.error;
            if (e != null) {
                v.error = null;
                if (globalError == e) globalError = null;
                throw asRuntime(e);
            }
        }
    }

    @Override
    public void waitForAll() {
        synchronized (lock) {
            Throwable e = globalError;
            globalError = null;
            if (e != null) throw asRuntime(e);
        }
    }

    private static RuntimeException asRuntime(Throwable e) {
        return e instanceof RuntimeException r ? r : new EngineException(null, e);
    }

    @Override
    public void deleteVar(SyncFn deleter, ExecContext ctx, Var var) {
        synchronized (lock) {
            NaiveVar v = (NaiveVar) var;
            try {
                deleter.run(new Ctx(ctx));
            } catch (Exception e) {
                if (globalError == null) globalError = new EngineException("deleteVar", e);
            }
            v.deleted = true;
        }
    }

    @Override public boolean isSynchronous() { return true; }

    @Override public void close() {}
}
