package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.defs.CreationOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CPU kernels of the creation family ({@link CreationOps}), {@code _copyto} included. Values are
 * computed in double and stored with a C-style cast to the output type (float16 through
 * {@link Float#floatToFloat16}), which is what MXNet's kernels do per element.
 */
public final class CreationKernels {
    private CreationKernels() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    public static void register(KernelTable t) {
        t.add("_zeros", (ctx, a, in, req, out) -> fill(out[0], req[0], 0));
        t.add("_ones", (ctx, a, in, req, out) -> fill(out[0], req[0], 1));
        t.add("_full", (ctx, a, in, req, out) -> fill(out[0], req[0], a.getDouble("value")));
        t.add("zeros_like", (ctx, a, in, req, out) -> fill(out[0], req[0], 0));
        t.add("ones_like", (ctx, a, in, req, out) -> fill(out[0], req[0], 1));
        t.add("_arange", (ctx, a, in, req, out) -> arange(a, out[0], req[0]));
        t.add("_linspace", (ctx, a, in, req, out) -> linspace(a, out[0], req[0]));
        t.add("_eye", (ctx, a, in, req, out) -> eye(a, out[0], req[0]));
        t.add("_copyto", (ctx, a, in, req, out) -> copy(in[0], out[0], req[0]));
    }

    static void fill(Tensor t, OpReq req, double v) {
        if (req == OpReq.NULL) return;
        MemorySegment s = t.segment();
        long n = t.size();
        if (req == OpReq.ADD) {
            for (long i = 0; i < n; i++) put(s, t.dtype(), i, get(s, t.dtype(), i) + v);
            return;
        }
        switch (t.dtype()) {
            case FLOAT32 -> { float f = (float) v; for (long i = 0; i < n; i++) s.setAtIndex(F32, i, f); }
            case FLOAT64 -> { for (long i = 0; i < n; i++) s.setAtIndex(F64, i, v); }
            case INT32 -> { int x = (int) v; for (long i = 0; i < n; i++) s.setAtIndex(I32, i, x); }
            case INT64 -> { long x = (long) v; for (long i = 0; i < n; i++) s.setAtIndex(I64, i, x); }
            case FLOAT16 -> { short h = Float.floatToFloat16((float) v); for (long i = 0; i < n; i++) s.setAtIndex(I16, i, h); }
            default -> s.fill(toByte(t.dtype(), v));
        }
    }

    private static void arange(Attrs a, Tensor t, OpReq req) {
        if (req == OpReq.NULL) return;
        double[] b = CreationOps.arangeBounds(a);
        int repeat = a.getInt("repeat");
        DType dt = t.dtype();
        // MXNet casts start and step to the output type first, then computes start + (i / repeat) * step in it.
        double start = castTo(dt, b[0]), step = castTo(dt, b[2]);
        MemorySegment s = t.segment();
        long n = t.size();
        if (dt == DType.FLOAT32 || dt == DType.FLOAT16) {
            float fs = (float) start, fst = (float) step; // single-precision arithmetic, as the float kernels compute
            for (long i = 0; i < n; i++) store(s, dt, i, fs + (float) (i / repeat) * fst, req);
        } else {
            for (long i = 0; i < n; i++) store(s, dt, i, start + (double) (i / repeat) * step, req);
        }
    }

    private static void linspace(Attrs a, Tensor t, OpReq req) {
        if (req == OpReq.NULL) return;
        double start = a.getDouble("start"), stop = a.getDouble("stop");
        int num = a.getInt("num");
        int stepNum = a.getBool("endpoint") ? num - 1 : num;
        double step = stepNum > 0 ? (stop - start) / stepNum : 0.0;
        MemorySegment s = t.segment();
        long n = t.size();
        for (long i = 0; i < n; i++) store(s, t.dtype(), i, start + step * i, req);
    }

    private static void eye(Attrs a, Tensor t, OpReq req) {
        if (req == OpReq.NULL) return;
        if (req != OpReq.ADD) fill(t, OpReq.WRITE, 0);
        long rows = t.shape().dim(0), cols = t.shape().dim(1), k = a.getLong("k");
        MemorySegment s = t.segment();
        for (long r = Math.max(0, -k); r < rows; r++) {
            long c = r + k;
            if (c >= cols) break;
            store(s, t.dtype(), r * cols + c, 1, req == OpReq.ADD ? OpReq.ADD : OpReq.WRITE);
        }
    }

    private static void copy(Tensor in, Tensor out, OpReq req) {
        if (req == OpReq.NULL) return;
        if (req == OpReq.ADD) {
            MemorySegment s = in.segment(), d = out.segment();
            for (long i = 0, n = out.size(); i < n; i++) put(d, out.dtype(), i, get(d, out.dtype(), i) + get(s, in.dtype(), i));
            return;
        }
        MemorySegment src = in.segment(), dst = out.segment();
        if (src.address() == dst.address()) return;
        MemorySegment.copy(src, 0, dst, 0, out.byteSize());
    }

    private static void store(MemorySegment s, DType dt, long i, double v, OpReq req) {
        put(s, dt, i, req == OpReq.ADD ? get(s, dt, i) + v : v);
    }

    /** The value as the output type would hold it (C cast; float16 rounds to half precision). */
    static double castTo(DType dt, double v) {
        return switch (dt) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case INT32 -> (int) v;
            case INT64 -> (long) v;
            case UINT8 -> toByte(dt, v) & 0xff;
            case INT8 -> toByte(dt, v);
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    static double get(MemorySegment s, DType dt, long i) {
        return switch (dt) {
            case FLOAT32 -> s.getAtIndex(F32, i);
            case FLOAT64 -> s.getAtIndex(F64, i);
            case FLOAT16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
            case INT32 -> s.getAtIndex(I32, i);
            case INT64 -> s.getAtIndex(I64, i);
            case UINT8 -> s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case INT8 -> s.get(ValueLayout.JAVA_BYTE, i);
            case BOOL -> s.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
        };
    }

    static void put(MemorySegment s, DType dt, long i, double v) {
        switch (dt) {
            case FLOAT32 -> s.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> s.setAtIndex(F64, i, v);
            case FLOAT16 -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case INT32 -> s.setAtIndex(I32, i, (int) v);
            case INT64 -> s.setAtIndex(I64, i, (long) v);
            default -> s.set(ValueLayout.JAVA_BYTE, i, toByte(dt, v));
        }
    }

    private static byte toByte(DType dt, double v) {
        if (dt == DType.BOOL) return (byte) (v != 0 ? 1 : 0);
        return (byte) (long) v;
    }
}
