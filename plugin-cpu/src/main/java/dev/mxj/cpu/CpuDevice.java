package dev.mxj.cpu;

import dev.mxj.device.Device;
import dev.mxj.device.DevicePlugin;
import dev.mxj.device.KernelTable;
import dev.mxj.device.MemoryStats;
import dev.mxj.device.Storage;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host CPU. Memory comes from a pooled storage manager with exact-size buckets (sizes
 * rounded to 64 bytes), as MXNet's naive pool: training loops allocate the same sizes every
 * step, so after the first step nearly every allocation is a pool hit. The pool keeps at most
 * {@code MXJ_CPU_POOL_LIMIT_MB} (default 2048) MiB; beyond that released blocks are freed.
 */
final class CpuDevice implements Device {
    private final CpuPlugin plugin;
    private final int id;
    private final KernelTable kernels;
    private final long poolLimit;
    private final Map<Long, ArrayDeque<CpuStorage>> pool = new HashMap<>();
    private long pooledBytes;
    private final AtomicLong inUse = new AtomicLong();
    private final AtomicLong nativeAllocs = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    CpuDevice(CpuPlugin plugin, int id, KernelTable kernels) {
        this.plugin = plugin;
        this.id = id;
        this.kernels = kernels;
        this.poolLimit = envLong("MXJ_CPU_POOL_LIMIT_MB", 2048) << 20;
    }

    private static long envLong(String name, long dflt) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    @Override public String type() { return "cpu"; }
    @Override public int id() { return id; }
    @Override public DevicePlugin plugin() { return plugin; }

    @Override
    public Storage allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation " + bytes);
        long size = NativeMemory.roundUp(bytes);
        CpuStorage s = null;
        synchronized (pool) {
            ArrayDeque<CpuStorage> q = pool.get(size);
            if (q != null && !q.isEmpty()) {
                s = q.pop();
                pooledBytes -= size;
            }
        }
        if (s != null) {
            hits.incrementAndGet();
            s.released = false;
        } else {
            MemorySegment seg;
            try {
                seg = NativeMemory.allocate(size);
            } catch (OutOfMemoryError e) {
                trimPool();
                seg = NativeMemory.allocate(size);
            }
            nativeAllocs.incrementAndGet();
            s = new CpuStorage(this, seg);
        }
        inUse.addAndGet(size);
        return s;
    }

    @Override
    public void release(Storage storage) {
        CpuStorage s = (CpuStorage) storage;
        if (s.device() != this) throw new IllegalArgumentException("storage of " + s.device() + " released to " + this);
        if (s.released) throw new IllegalStateException("storage released twice");
        s.released = true;
        NativeMemory.verify(s.segment);
        long size = s.bytes();
        inUse.addAndGet(-size);
        synchronized (pool) {
            if (pooledBytes + size <= poolLimit) {
                pool.computeIfAbsent(size, k -> new ArrayDeque<>()).push(s);
                pooledBytes += size;
                return;
            }
        }
        NativeMemory.free(s.segment);
    }

    @Override
    public void trimPool() {
        synchronized (pool) {
            for (ArrayDeque<CpuStorage> q : pool.values()) for (CpuStorage s : q) NativeMemory.free(s.segment);
            pool.clear();
            pooledBytes = 0;
        }
    }

    @Override
    public MemoryStats memoryStats() {
        synchronized (pool) {
            return new MemoryStats(inUse.get(), pooledBytes, nativeAllocs.get(), hits.get());
        }
    }

    @Override
    public void copyFromHost(MemorySegment src, Storage dst, long dstOffset, long bytes) {
        MemorySegment.copy(src, 0, dst.hostSegment(), dstOffset, bytes);
    }

    @Override
    public void copyToHost(Storage src, long srcOffset, MemorySegment dst, long bytes) {
        MemorySegment.copy(src.hostSegment(), srcOffset, dst, 0, bytes);
    }

    @Override
    public void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long bytes) {
        MemorySegment.copy(src.hostSegment(), srcOffset, dst.hostSegment(), dstOffset, bytes);
    }

    @Override public KernelTable kernels() { return kernels; }

    @Override public Set<DType> supportedTypes() { return EnumSet.allOf(DType.class); }

    @Override public boolean isHostAccessible() { return true; }

    @Override public String toString() { return "cpu(" + id + ")"; }
}
