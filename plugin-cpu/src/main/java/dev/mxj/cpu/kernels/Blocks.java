package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.mxj.device.Elements.F32;
import static dev.mxj.device.Elements.F64;
import static dev.mxj.device.Elements.I16;
import static dev.mxj.device.Elements.I32;
import static dev.mxj.device.Elements.I64;
import static dev.mxj.device.Elements.I8;

/**
 * Moves runs of elements of any dtype to and from {@code double[]} blocks: the general kernel
 * path computes in double on blocks of {@link #BLOCK} elements, with the dtype switch outside
 * the element loops. Stores convert like a C cast (integers truncate toward zero, bool tests
 * != 0, float16 rounds through float) and with {@code add} accumulate the converted value in
 * the output dtype, as MXNet's kAddTo does.
 */
final class Blocks {
    private Blocks() {}

    static final int BLOCK = 1024;

    /** {@code dst[i] = seg[off + i * stride]} for i in [0, n); stride 0 broadcasts one element. */
    static void load(MemorySegment seg, DType t, long off, long stride, double[] dst, int n) {
        if (stride == 0) {
            Arrays.fill(dst, 0, n, Elements.get(seg, t, off));
            return;
        }
        if (stride == 1 && t == DType.FLOAT32) {
            loadF32(seg, off, dst, n);
            return;
        }
        switch (t) {
            case FLOAT32 -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(F32, off + i * stride); }
            case FLOAT64 -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(F64, off + i * stride); }
            case FLOAT16 -> { for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(seg.getAtIndex(I16, off + i * stride)); }
            case UINT8 -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(I8, off + i * stride) & 0xff; }
            case INT8 -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(I8, off + i * stride); }
            case INT32 -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(I32, off + i * stride); }
            case INT64 -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(I64, off + i * stride); }
            case BOOL -> { for (int i = 0; i < n; i++) dst[i] = seg.getAtIndex(I8, off + i * stride) != 0 ? 1 : 0; }
        }
    }

    /** {@code seg[off + i] = v[i]} (or {@code +=} with {@code add}) for i in [0, n), converting to {@code t}. */
    static void store(MemorySegment seg, DType t, long off, double[] v, int n, boolean add) {
        if (t == DType.FLOAT32) {
            storeF32(seg, off, v, n, add);
            return;
        }
        if (add) {
            switch (t) {
                case FLOAT32 -> { for (int i = 0; i < n; i++) seg.setAtIndex(F32, off + i, seg.getAtIndex(F32, off + i) + (float) v[i]); }
                case FLOAT64 -> { for (int i = 0; i < n; i++) seg.setAtIndex(F64, off + i, seg.getAtIndex(F64, off + i) + v[i]); }
                case FLOAT16 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I16, off + i, Float.floatToFloat16(
                        Float.float16ToFloat(seg.getAtIndex(I16, off + i)) + Float.float16ToFloat(Float.floatToFloat16((float) v[i])))); }
                case UINT8, INT8 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I8, off + i, (byte) (seg.getAtIndex(I8, off + i) + (long) v[i])); }
                case INT32 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I32, off + i, seg.getAtIndex(I32, off + i) + (int) (long) v[i]); }
                case INT64 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I64, off + i, seg.getAtIndex(I64, off + i) + (long) v[i]); }
                case BOOL -> { for (int i = 0; i < n; i++) seg.setAtIndex(I8, off + i, (byte) (seg.getAtIndex(I8, off + i) != 0 || v[i] != 0 ? 1 : 0)); }
            }
            return;
        }
        switch (t) {
            case FLOAT32 -> { for (int i = 0; i < n; i++) seg.setAtIndex(F32, off + i, (float) v[i]); }
            case FLOAT64 -> { for (int i = 0; i < n; i++) seg.setAtIndex(F64, off + i, v[i]); }
            case FLOAT16 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I16, off + i, Float.floatToFloat16((float) v[i])); }
            case UINT8, INT8 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I8, off + i, (byte) (long) v[i]); }
            case INT32 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I32, off + i, (int) (long) v[i]); }
            case INT64 -> { for (int i = 0; i < n; i++) seg.setAtIndex(I64, off + i, (long) v[i]); }
            case BOOL -> { for (int i = 0; i < n; i++) seg.setAtIndex(I8, off + i, (byte) (v[i] != 0 ? 1 : 0)); }
        }
    }

    /**
     * Float32 elements [off, off + n) widened into dst, staged through a float chunk: a bulk copy
     * and a loop on arrays, which C2 vectorises (a loop reading the segment directly it does not).
     */
    static void loadF32(MemorySegment seg, long off, double[] dst, int n) {
        float[] f = F32Loops.stage()[2];
        for (int c = 0; c < n; c += F32Loops.CHUNK) {
            int m = Math.min(F32Loops.CHUNK, n - c);
            MemorySegment.copy(seg, F32, (off + c) * 4, f, 0, m);
            for (int i = 0; i < m; i++) dst[c + i] = f[i];
        }
    }

    /** {@code seg[off + i] = (float) v[i]} (or {@code +=} with add), staged like {@link #loadF32}. */
    static void storeF32(MemorySegment seg, long off, double[] v, int n, boolean add) {
        float[] f = F32Loops.stage()[2];
        for (int c = 0; c < n; c += F32Loops.CHUNK) {
            int m = Math.min(F32Loops.CHUNK, n - c);
            if (add) {
                MemorySegment.copy(seg, F32, (off + c) * 4, f, 0, m);
                for (int i = 0; i < m; i++) f[i] += (float) v[c + i];
            } else {
                for (int i = 0; i < m; i++) f[i] = (float) v[c + i];
            }
            MemorySegment.copy(f, 0, seg, F32, (off + c) * 4, m);
        }
    }

    /** Round a double to what dtype {@code t} holds (C-cast semantics), staying a double. */
    static double cast(DType t, double v) {
        return switch (t) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case UINT8 -> (long) v & 0xff;
            case INT8 -> (byte) (long) v;
            case INT32 -> (int) (long) v;
            case INT64 -> (long) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }
}
