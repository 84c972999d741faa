package dev.mxj.engine;

/**
 * The dependency engine (MXNet semantics, DESIGN.md §3).
 *
 * <p>Rule: two operations that touch a common variable, at least one of them mutating it,
 * run in push order; operations that only read the same version of a variable may run in
 * parallel. An exception thrown by an operation is stored on every variable it mutates and
 * on everything downstream; it is rethrown once, at the next synchronising call that
 * touches an affected variable, and the engine keeps running.
 *
 * <p>All methods are safe to call from many threads at once.
 */
public interface Engine extends AutoCloseable {
    /** Default priority; higher runs earlier among ready operations. */
    int DEFAULT_PRIORITY = 0;

    Var newVar();

    /**
     * Push a synchronous operation.
     *
     * @param reads   variables it reads (may be empty, never null; duplicates allowed)
     * @param mutates variables it writes (a var in both sets counts as mutated)
     */
    void push(SyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name);

    default void push(SyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates) {
        push(fn, ctx, reads, mutates, FnProperty.NORMAL, DEFAULT_PRIORITY, null);
    }

    /** Push an asynchronous operation; it completes when it calls its completion callback. */
    void pushAsync(AsyncFn fn, ExecContext ctx, Var[] reads, Var[] mutates, FnProperty prop, int priority, String name);

    /** Build a reusable operation; push it with {@link #push(Operation, ExecContext, int)}. */
    Operation newOperator(AsyncFn fn, Var[] reads, Var[] mutates, FnProperty prop, String name);

    void push(Operation op, ExecContext ctx, int priority);

    /** Release a pre-built operation (after its last push completed). */
    void deleteOperator(Operation op);

    /**
     * Block until every operation pushed so far that writes {@code var} has completed, then
     * rethrow (once) an error stored on it.
     */
    void waitForVar(Var var);

    /** Block until all pushed operations completed; rethrow (once) an error if any failed since the last wait. */
    void waitForAll();

    /**
     * Schedule {@code deleter} to run after every operation pushed so far that touches
     * {@code var}; afterwards the var must not be used again.
     */
    void deleteVar(SyncFn deleter, ExecContext ctx, Var var);

    /** True for the synchronous engine: every push has run when it returns. */
    boolean isSynchronous();

    /** Stop workers after finishing pushed work. */
    @Override
    void close();

    /** The process-wide engine, chosen by {@code MXJ_ENGINE_TYPE} / {@code MXNET_ENGINE_TYPE}. */
    static Engine get() { return Engines.get(); }
}
