package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where a kernel writes one output under its {@link OpReq}: the output itself for WRITE and
 * INPLACE, or a scratch buffer that {@link #close()} adds to the output for ADD. Lets a kernel
 * written for "overwrite" honour gradient accumulation without a second code path; ADD is
 * rare (gradient accumulation), so the extra buffer costs little.
 */
final class ReqOut implements AutoCloseable {
    private final Tensor target;
    private final Arena arena;
    private final MemorySegment seg;

    private ReqOut(Tensor target, OpReq req) {
        this.target = target;
        if (req == OpReq.ADD) {
            arena = Arena.ofShared();  // parallel kernels write it from pool threads
            seg = arena.allocate(Math.max(1, target.byteSize()), 64).asSlice(0, target.byteSize());
        } else {
            arena = null;
            seg = target.segment();
        }
    }

    /** The destination for {@code t}, or null when {@code req} is NULL (nothing to write). */
    static ReqOut of(Tensor t, OpReq req) { return req == OpReq.NULL ? null : new ReqOut(t, req); }

    MemorySegment seg() { return seg; }

    @Override public void close() {
        if (arena == null) return;
        try {
            add(target.segment(), seg, target.dtype(), target.size());
        } finally {
            arena.close();
        }
    }

    /** dst[i] += src[i] for n elements of dtype t (bool: logical or, as a C++ bool sum stored back). */
    static void add(MemorySegment dst, MemorySegment src, DType t, long n) {
        switch (t) {
            case FLOAT32 -> CpuParallel.forRange(n, 1 << 15, (a, b) -> {
                for (long i = a; i < b; i++) dst.setAtIndex(ValueLayout.JAVA_FLOAT, i, dst.getAtIndex(ValueLayout.JAVA_FLOAT, i) + src.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            });
            case FLOAT64 -> CpuParallel.forRange(n, 1 << 15, (a, b) -> {
                for (long i = a; i < b; i++) dst.setAtIndex(ValueLayout.JAVA_DOUBLE, i, dst.getAtIndex(ValueLayout.JAVA_DOUBLE, i) + src.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
            });
            case INT32 -> { for (long i = 0; i < n; i++) dst.setAtIndex(ValueLayout.JAVA_INT, i, dst.getAtIndex(ValueLayout.JAVA_INT, i) + src.getAtIndex(ValueLayout.JAVA_INT, i)); }
            case INT64 -> { for (long i = 0; i < n; i++) dst.setAtIndex(ValueLayout.JAVA_LONG, i, dst.getAtIndex(ValueLayout.JAVA_LONG, i) + src.getAtIndex(ValueLayout.JAVA_LONG, i)); }
            case UINT8, INT8 -> { for (long i = 0; i < n; i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) (dst.get(ValueLayout.JAVA_BYTE, i) + src.get(ValueLayout.JAVA_BYTE, i))); }
            default -> { for (long i = 0; i < n; i++) Elements.set(dst, t, i, Elements.get(dst, t, i) + Elements.get(src, t, i)); }
        }
    }
}
