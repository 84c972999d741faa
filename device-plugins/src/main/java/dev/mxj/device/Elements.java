package dev.mxj.device;

import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element access to host memory by dtype, through double. Slow but general: used by test
 * kits, conversions and the rare generic kernel path; hot kernels use typed loops instead.
 * Booleans read as 0/1 and write as (value != 0); float16 converts through float.
 */
public final class Elements {
    private Elements() {}

    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE;
    public static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;

    /** Element {@code i} (not byte offset) of {@code seg} interpreted as {@code t}. */
    public static double get(MemorySegment seg, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> seg.getAtIndex(F32, i);
            case FLOAT64 -> seg.getAtIndex(F64, i);
            case FLOAT16 -> Float.float16ToFloat(seg.getAtIndex(I16, i));
            case UINT8 -> seg.getAtIndex(I8, i) & 0xff;
            case INT8 -> seg.getAtIndex(I8, i);
            case INT32 -> seg.getAtIndex(I32, i);
            case INT64 -> seg.getAtIndex(I64, i);
            case BOOL -> seg.getAtIndex(I8, i) != 0 ? 1 : 0;
        };
    }

    /** Store {@code v} as element {@code i}, converting like a C cast (truncation toward zero for integers). */
    public static void set(MemorySegment seg, DType t, long i, double v) {
        switch (t) {
            case FLOAT32 -> seg.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> seg.setAtIndex(F64, i, v);
            case FLOAT16 -> seg.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case UINT8 -> seg.setAtIndex(I8, i, (byte) (long) v);
            case INT8 -> seg.setAtIndex(I8, i, (byte) (long) v);
            case INT32 -> seg.setAtIndex(I32, i, (int) (long) v);
            case INT64 -> seg.setAtIndex(I64, i, (long) v);
            case BOOL -> seg.setAtIndex(I8, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    /** Exact 64-bit integer access (int64 values beyond 2^53 do not survive a double). */
    public static long getLong(MemorySegment seg, DType t, long i) {
        return t == DType.INT64 ? seg.getAtIndex(I64, i) : (long) get(seg, t, i);
    }
}
