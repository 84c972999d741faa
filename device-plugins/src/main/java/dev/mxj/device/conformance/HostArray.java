package dev.mxj.device.conformance;

import dev.mxj.device.Elements;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A small host-side array for tests and conformance runs: shape, dtype and values held as
 * doubles (exact for every dtype except int64 beyond 2^53, which tests avoid).
 */
public record HostArray(Shape shape, DType dtype, double[] data) {
    public HostArray {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("HostArray " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
    }

    public static HostArray of(Shape s, DType t, double... values) { return new HostArray(s, t, values.clone()); }

    public static HostArray f32(Shape s, double... values) { return of(s, DType.FLOAT32, values); }

    public static HostArray scalar(DType t, double v) { return of(Shape.scalar(), t, v); }

    /** Uniform random values in [lo, hi); integers for integer dtypes (inclusive range, rounded). */
    public static HostArray random(Shape s, DType t, double lo, double hi, SplittableRandom rng) {
        double[] d = new double[Math.toIntExact(s.size())];
        for (int i = 0; i < d.length; i++) {
            if (t == DType.BOOL) d[i] = rng.nextBoolean() ? 1 : 0;
            else if (t.isFloating()) d[i] = quantize(t, lo + (hi - lo) * rng.nextDouble());
            else d[i] = Math.round(lo + (hi - lo) * rng.nextDouble());
        }
        return new HostArray(s, t, d);
    }

    /**
     * Round a value to what the dtype can hold, so generated data survives a round trip exactly:
     * floats round, integers convert like a C cast (truncate, wrap), bool is {@code v != 0}.
     * Expected OpReq.ADD results go through this too, so a uint8 sum wraps and a bool sum stays 1.
     */
    public static double quantize(DType t, double v) {
        return switch (t) {
            case FLOAT32 -> (float) v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case FLOAT64 -> v;
            case UINT8 -> (long) v & 0xff;
            case INT8 -> (byte) (long) v;
            case INT32 -> (int) (long) v;
            case INT64 -> (long) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    public long byteSize() { return shape.size() * dtype.byteSize(); }

    public void writeTo(MemorySegment seg) {
        for (int i = 0; i < data.length; i++) Elements.set(seg, dtype, i, data[i]);
    }

    public static HostArray readFrom(MemorySegment seg, Shape s, DType t) {
        double[] d = new double[Math.toIntExact(s.size())];
        for (int i = 0; i < d.length; i++) d[i] = Elements.get(seg, t, i);
        return new HostArray(s, t, d);
    }

    /** The same values converted to another dtype (C-cast semantics through a native buffer). */
    public HostArray astype(DType t) {
        if (t == dtype) return this;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seg = a.allocate(Math.max(1, shape.size() * t.byteSize()), 64);
            for (int i = 0; i < data.length; i++) Elements.set(seg, t, i, data[i]);
            return readFrom(seg, shape, t);
        }
    }

    public double get(int i) { return data[i]; }

    @Override public String toString() {
        String v = data.length <= 24 ? Arrays.toString(data) : Arrays.toString(Arrays.copyOf(data, 24)) + "...";
        return dtype + shape.toString() + v;
    }

    @Override public boolean equals(Object o) {
        return o instanceof HostArray h && h.shape.equals(shape) && h.dtype == dtype && Arrays.equals(h.data, data);
    }

    @Override public int hashCode() { return shape.hashCode() * 31 + Arrays.hashCode(data); }
}
