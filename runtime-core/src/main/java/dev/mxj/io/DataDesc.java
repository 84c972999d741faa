package dev.mxj.io;

import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.util.Objects;

/**
 * Name, shape (batch axis included), dtype and layout of one input or label an iterator
 * provides (MXNet's {@code mx.io.DataDesc}). Graph binding reads these to size its arguments
 * before the first batch exists.
 */
public final class DataDesc {
    private final String name;
    private final Shape shape;
    private final DType dtype;
    private final String layout;

    public DataDesc(String name, Shape shape, DType dtype, String layout) {
        this.name = Objects.requireNonNull(name, "name");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.dtype = dtype == null ? DType.FLOAT32 : dtype;
        this.layout = layout == null ? "NCHW" : layout;
    }

    /** float32, layout NCHW: MXNet's defaults. */
    public DataDesc(String name, Shape shape) { this(name, shape, DType.FLOAT32, "NCHW"); }

    public DataDesc(String name, Shape shape, DType dtype) { this(name, shape, dtype, "NCHW"); }

    public String name() { return name; }

    public Shape shape() { return shape; }

    public DType dtype() { return dtype; }

    public String layout() { return layout; }

    /** Position of {@code N} in the layout, 0 when there is no layout (MXNet's {@code get_batch_axis}). */
    public int batchAxis() { return batchAxis(layout); }

    public static int batchAxis(String layout) {
        if (layout == null || layout.isEmpty()) return 0;
        return layout.indexOf('N');
    }

    @Override public boolean equals(Object o) {
        return o instanceof DataDesc d && name.equals(d.name) && shape.equals(d.shape) && dtype == d.dtype && layout.equals(d.layout);
    }

    @Override public int hashCode() { return Objects.hash(name, shape, dtype, layout); }

    /** MXNet's repr, e.g. {@code DataDesc[data,(3, 2, 2),float32,NCHW]}. */
    @Override public String toString() {
        long[] d = shape.dims();
        StringBuilder sb = new StringBuilder("DataDesc[").append(name).append(",(");
        for (int i = 0; i < d.length; i++) sb.append(i == 0 ? "" : ", ").append(d[i]);
        if (d.length == 1) sb.append(',');
        return sb.append("),").append(dtype.typeName()).append(',').append(layout).append(']').toString();
    }
}
