package dev.mxj.engine;

/**
 * A pre-built operation: body plus read and mutate sets, created once by
 * {@link Engine#newOperator} and pushed many times without per-push allocation of the
 * dependency lists (graph executors push the same nodes every step).
 */
public interface Operation {
    String name();
}
