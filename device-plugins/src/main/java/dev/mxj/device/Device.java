package dev.mxj.device;

import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * One opened device: allocator, copies to and from host memory, kernels, capabilities.
 * Thread-safe. Storage is returned with {@link #release}, which the runtime calls from an
 * engine operation after the storage's last reader has run, so pooled memory is never reused
 * while still being read.
 */
public interface Device {
    String type();

    int id();

    DevicePlugin plugin();

    /** Allocate at least {@code bytes} (64-byte aligned on the host); may come from the pool. */
    Storage allocate(long bytes);

    /** Return storage to the pool (or free it). */
    void release(Storage s);

    /** Free pooled memory not in use (allocation pressure, shutdown). */
    void trimPool();

    MemoryStats memoryStats();

    void copyFromHost(MemorySegment src, Storage dst, long dstOffset, long bytes);

    void copyToHost(Storage src, long srcOffset, MemorySegment dst, long bytes);

    /** Copy within this device. */
    void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long bytes);

    /** Wait for all work issued to this device's streams (no-op for synchronous devices). */
    default void synchronize() {}

    /** Kernels of this device's type. */
    KernelTable kernels();

    /** Element types its kernels handle. */
    Set<DType> supportedTypes();

    /** Whether storage is host-accessible (kernels of other devices can read it directly). */
    boolean isHostAccessible();

    @Override String toString();
}
