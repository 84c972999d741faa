package dev.mxj.ndarray;

import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element access and conversion on host memory, by dtype. Used where the runtime itself touches
 * array bytes: creation from Java arrays, reading back, dtype conversion in copies, printing and
 * serialisation. Conversions follow C casts (MXNet's {@code static_cast}); float16 goes through
 * {@link Float#float16ToFloat}/{@link Float#floatToFloat16}; integer-to-integer conversions keep
 * all 64 bits instead of passing through double.
 */
final class HostData {
    private HostData() {}

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;

    static double getDouble(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> s.getAtIndex(F32, i);
            case FLOAT64 -> s.getAtIndex(F64, i);
            case FLOAT16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
            case INT32 -> s.getAtIndex(I32, i);
            case INT64 -> s.getAtIndex(I64, i);
            case UINT8 -> s.get(I8, i) & 0xff;
            case INT8 -> s.get(I8, i);
            case BOOL -> s.get(I8, i) != 0 ? 1 : 0;
        };
    }

    static long getLong(MemorySegment s, DType t, long i) {
        return switch (t) {
            case INT64 -> s.getAtIndex(I64, i);
            case INT32 -> s.getAtIndex(I32, i);
            case UINT8 -> s.get(I8, i) & 0xff;
            case INT8 -> s.get(I8, i);
            case BOOL -> s.get(I8, i) != 0 ? 1 : 0;
            default -> (long) getDouble(s, t, i);
        };
    }

    static void putDouble(MemorySegment s, DType t, long i, double v) {
        switch (t) {
            case FLOAT32 -> s.setAtIndex(F32, i, (float) v);
            case FLOAT64 -> s.setAtIndex(F64, i, v);
            case FLOAT16 -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
            case INT32 -> s.setAtIndex(I32, i, (int) v);
            case INT64 -> s.setAtIndex(I64, i, (long) v);
            case UINT8, INT8 -> s.set(I8, i, (byte) (long) v);
            case BOOL -> s.set(I8, i, (byte) (v != 0 ? 1 : 0));
        }
    }

    static void putLong(MemorySegment s, DType t, long i, long v) {
        switch (t) {
            case INT64 -> s.setAtIndex(I64, i, v);
            case INT32 -> s.setAtIndex(I32, i, (int) v);
            case UINT8, INT8 -> s.set(I8, i, (byte) v);
            case BOOL -> s.set(I8, i, (byte) (v != 0 ? 1 : 0));
            default -> putDouble(s, t, i, v);
        }
    }

    static boolean isInteger(DType t) { return !t.isFloating(); }

    /** Convert {@code n} elements between host segments (offsets in elements). */
    static void convert(MemorySegment src, DType st, MemorySegment dst, DType dt, long n) {
        if (st == dt) {
            MemorySegment.copy(src, 0, dst, 0, n * st.byteSize());
            return;
        }
        if (st == DType.FLOAT32 && dt == DType.FLOAT16) {
            for (long i = 0; i < n; i++) dst.setAtIndex(I16, i, Float.floatToFloat16(src.getAtIndex(F32, i)));
        } else if (isInteger(st) && isInteger(dt)) {
            for (long i = 0; i < n; i++) putLong(dst, dt, i, getLong(src, st, i));
        } else {
            for (long i = 0; i < n; i++) putDouble(dst, dt, i, getDouble(src, st, i));
        }
    }
}
