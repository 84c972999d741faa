package dev.mxj.engine;

/** Scheduling hints, as MXNet's FnProperty. */
public enum FnProperty {
    /** Ordinary computation on its context's workers. */
    NORMAL,
    /** A copy from host to device: may use a dedicated copy worker. */
    COPY_TO_DEVICE,
    /** A copy from device to host. */
    COPY_FROM_DEVICE,
    /** Must run on the CPU pool regardless of the context (e.g. file I/O, deleting storage). */
    CPU_PRIORITIZED,
    /** Long-running asynchronous work (e.g. KVStore communication): never inlined. */
    ASYNC
}
