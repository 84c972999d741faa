package dev.mxj.engine;

/** TEMPORARY placeholder until the threaded engine lands: delegates to the naive engine. */
final class ThreadedEngine implements Engine {
    private final NaiveEngine d = new NaiveEngine();
    @Override public Var newVar() { return d.newVar(); }
    @Override public void push(SyncFn fn, ExecContext ctx, Var[] r, Var[] m, FnProperty p, int pr, String n) { d.push(fn, ctx, r, m, p, pr, n); }
    @Override public void pushAsync(AsyncFn fn, ExecContext ctx, Var[] r, Var[] m, FnProperty p, int pr, String n) { d.pushAsync(fn, ctx, r, m, p, pr, n); }
    @Override public Operation newOperator(AsyncFn fn, Var[] r, Var[] m, FnProperty p, String n) { return d.newOperator(fn, r, m, p, n); }
    @Override public void push(Operation op, ExecContext ctx, int pr) { d.push(op, ctx, pr); }
    @Override public void deleteOperator(Operation op) {}
    @Override public void waitForVar(Var v) { d.waitForVar(v); }
    @Override public void waitForAll() { d.waitForAll(); }
    @Override public void deleteVar(SyncFn f, ExecContext c, Var v) { d.deleteVar(f, c, v); }
    @Override public boolean isSynchronous() { return true; }
    @Override public void close() {}
}
