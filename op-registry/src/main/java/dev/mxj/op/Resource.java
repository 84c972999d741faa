package dev.mxj.op;

/** Resources an operator asks the runtime for (MXNet's ResourceRequest). */
public enum Resource {
    /** Scratch memory for the duration of the kernel. */
    TEMP_SPACE,
    /** The context's random generator; ops using it are serialised on its engine variable. */
    RANDOM,
    /** Per-thread random generators for parallel sampling. */
    PARALLEL_RANDOM
}
