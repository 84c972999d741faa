package dev.mxj.engine;

/**
 * What a running operation learns about where it runs. For accelerators the engine worker
 * owns a stream; {@link #stream()} is that stream's opaque handle (null on CPU).
 */
public interface RunContext {
    ExecContext context();

    /** The worker's stream for asynchronous devices, or null. */
    Object stream();
}
