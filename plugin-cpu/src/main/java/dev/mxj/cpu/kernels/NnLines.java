package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Line access for the neural-network kernels. Softmax, the normalisations and the sequence
 * operators work on "lines": the elements along one axis at a fixed position of the others,
 * {@code (outer, len, inner)} with stride {@code inner}. A line is loaded into a double
 * buffer, computed on, and stored back with the output's dtype and OpReq (ADD accumulates,
 * WRITE and INPLACE overwrite; a kernel reads each whole line before it writes it, so INPLACE
 * is safe). float16 therefore computes in double, as MXNet computes it in float.
 */
final class NnLines {
    private NnLines() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;

    /** A shape seen as (outer, len, inner) around one axis. */
    record Axis(long outer, int len, long inner) {
        static Axis of(Shape s, int axis) {
            return new Axis(s.prod(0, axis), Math.toIntExact(s.dim(axis)), s.prod(axis + 1, s.ndim()));
        }

        long lines() { return outer * inner; }

        /** Offset of line {@code j}'s first element. */
        long offset(long j) { return (j / inner) * len * inner + j % inner; }
    }

    /** Parallel grain (lines per thread) for lines of {@code len} elements and {@code work} operations per element. */
    static long grain(long len, int work) { return Math.max(1, Elementwise.GRAIN / Math.max(1, len * work)); }

    static void load(MemorySegment s, DType t, long off, long stride, double[] dst, int n) { Blocks.load(s, t, off, stride, dst, n); }

    /** {@code s[off + i*stride] = v[i]} (or {@code +=} with {@code add}) for i in [0, n). */
    static void store(MemorySegment s, DType t, long off, long stride, double[] v, int n, boolean add) {
        if (stride == 1) {
            Blocks.store(s, t, off, v, n, add);
            return;
        }
        switch (t) {
            case FLOAT32 -> {
                if (add) for (int i = 0; i < n; i++) s.setAtIndex(F32, off + i * stride, s.getAtIndex(F32, off + i * stride) + (float) v[i]);
                else for (int i = 0; i < n; i++) s.setAtIndex(F32, off + i * stride, (float) v[i]);
            }
            case FLOAT64 -> {
                if (add) for (int i = 0; i < n; i++) s.setAtIndex(F64, off + i * stride, s.getAtIndex(F64, off + i * stride) + v[i]);
                else for (int i = 0; i < n; i++) s.setAtIndex(F64, off + i * stride, v[i]);
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    long k = off + i * stride;
                    float x = Float.float16ToFloat(Float.floatToFloat16((float) v[i]));
                    s.setAtIndex(I16, k, Float.floatToFloat16(add ? Float.float16ToFloat(s.getAtIndex(I16, k)) + x : x));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    long k = off + i * stride;
                    Elements.set(s, t, k, add ? Elements.get(s, t, k) + Blocks.cast(t, v[i]) : v[i]);
                }
            }
        }
    }

    /** The whole tensor as doubles (small tensors: parameters, statistics, indices). */
    static double[] read(Tensor t) {
        double[] v = new double[Math.toIntExact(t.size())];
        if (v.length > 0) Blocks.load(t.segment(), t.dtype(), 0, 1, v, v.length);
        return v;
    }

    /** Store a whole tensor under {@code req}. */
    static void write(Tensor t, OpReq req, double[] v) {
        if (req == OpReq.NULL || v.length == 0) return;
        Blocks.store(t.segment(), t.dtype(), 0, v, v.length, req == OpReq.ADD);
    }

    /** Zero (WRITE) or leave (ADD) an output: the gradient of inputs that get none (labels, lengths). */
    static void zero(Tensor t, OpReq req) {
        if (req == OpReq.WRITE || req == OpReq.INPLACE) t.segment().fill((byte) 0);
    }

    /** Element {@code i} of an index-like tensor truncated to an integer (C cast), any dtype. */
    static long index(MemorySegment s, DType t, long i) {
        return t == DType.INT64 ? s.getAtIndex(ValueLayout.JAVA_LONG, i) : (long) Elements.get(s, t, i);
    }
}
