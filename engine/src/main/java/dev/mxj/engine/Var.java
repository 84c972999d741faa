package dev.mxj.engine;

/**
 * An engine variable: the unit of dependency tracking. Each piece of state an operation
 * reads or writes (an array's storage, a random generator, a file) is guarded by one Var.
 * Opaque to callers; created by {@link Engine#newVar()}.
 */
public interface Var {
    /** A short label for debugging and error messages. */
    String toString();
}
