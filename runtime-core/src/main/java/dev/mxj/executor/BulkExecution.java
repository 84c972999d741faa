package dev.mxj.executor;

/**
 * How a {@link GraphPlan} groups its operations into bulk segments (MXNet's bulk execution):
 * consecutive operations on one context become one engine operation that reads the union of
 * their inputs, writes the union of their outputs and runs the kernels in order. Why: one
 * dependency check and one dispatch per segment instead of per node; the kernels of a segment run
 * back to back on one thread, on data still in its cache.
 *
 * <p>The settings are MXNet's environment variables, read once: {@code MXNET_EXEC_BULK_EXEC_TRAIN}
 * (default 1) bulks plans that compute gradients, in segments of at most
 * {@code MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN_FWD} forward and {@code _BWD} backward operations
 * (both default to {@code MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN}, default 15);
 * {@code MXNET_EXEC_BULK_EXEC_INFERENCE} (default 1) runs a plan without a backward as one
 * segment. A plan reads them when it is built; {@link #override} changes them for plans built on
 * this thread in its scope (MXNet's {@code mx.engine.bulk}, and the tests comparing both ways).
 * Autograd's planned backward pushes per node unless an override says otherwise: its plans are
 * rebound to a new step's values every step, which rebuilds every segment, and that measured
 * 3–9% slower per training step than per-node pushes (bench ExecutorFigures).
 *
 * @param train         bulk plans that compute gradients (an executor with a backward, autograd's backward)
 * @param inference     bulk plans without a backward, as one segment
 * @param maxNodeTrainFwd most operations per segment in a training executor's forward; below 2 means no bulking there
 * @param maxNodeTrainBwd most operations per segment in a backward
 */
public record BulkExecution(boolean train, boolean inference, int maxNodeTrainFwd, int maxNodeTrainBwd) {
    /** Every operation pushed on its own. */
    public static final BulkExecution OFF = new BulkExecution(false, false, 1, 1);

    private static final BulkExecution ENV = fromEnv();
    private static final ThreadLocal<BulkExecution> OVERRIDE = new ThreadLocal<>();

    /** The settings plans built on this thread now use. */
    public static BulkExecution current() {
        BulkExecution o = OVERRIDE.get();
        return o != null ? o : ENV;
    }

    /** This thread's {@link #override}, or null outside one. */
    public static BulkExecution overridden() { return OVERRIDE.get(); }

    /** The settings from the environment (MXNet's defaults where unset). */
    public static BulkExecution environment() { return ENV; }

    /** Use {@code s} for plans built on this thread until the returned scope is closed. */
    public static Scope override(BulkExecution s) {
        BulkExecution old = OVERRIDE.get();
        OVERRIDE.set(s);
        return () -> OVERRIDE.set(old);
    }

    /** Restores the previous settings. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override void close();
    }

    /** Most operations per segment for a phase: forward of a training plan, backward, or inference (unbounded). */
    int limit(boolean training, boolean backward) {
        if (!training) return inference ? Integer.MAX_VALUE : 1;
        if (!train) return 1;
        return Math.max(1, backward ? maxNodeTrainBwd : maxNodeTrainFwd);
    }

    static BulkExecution fromEnv() {
        int both = intEnv("MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN", 15);
        return new BulkExecution(Executor.envFlag("MXNET_EXEC_BULK_EXEC_TRAIN", true), Executor.envFlag("MXNET_EXEC_BULK_EXEC_INFERENCE", true),
                intEnv("MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN_FWD", both), intEnv("MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN_BWD", both));
    }

    private static int intEnv(String name, int dflt) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ExecutorException(name + " must be an integer, got \"" + v + "\"");
        }
    }
}
