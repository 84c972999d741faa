package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.Arrays;

/**
 * The axes a reduction operator reduces, and its output shape, exactly as MXNet 1.9's
 * ReduceAxesShapeImpl / ReduceAxisShapeImpl: {@code axis} None or () reduces everything (to
 * shape (1,) unless keepdims), negative axes count from the end, duplicates are an error,
 * {@code exclude} reduces the axes not listed, and a full reduction without keepdims gives (1,).
 * Kernels use {@link #mask} so the declaration and the kernels agree on the axes.
 */
public final class ReduceAxes {
    private ReduceAxes() {}

    /**
     * Which axes of {@code in} are reduced, from the operator's {@code axis} (tuple or int,
     * possibly None) and, when declared, {@code exclude}.
     */
    public static boolean[] mask(Attrs attrs, Shape in) {
        long[] axes = axes(attrs);
        boolean exclude = attrs.op().params().containsKey("exclude") && attrs.getBool("exclude");
        return mask(attrs.op().name(), in, axes, exclude);
    }

    /** The listed axes, or null for "all" (None or ()). Argmax-style ops with ndim 1 count as "all". */
    static long[] axes(Attrs attrs) {
        Object v = attrs.get("axis");
        if (v == null) return null;
        if (v instanceof Integer i) return new long[] {i};
        long[] a = (long[]) v;
        return a.length == 0 ? null : a;
    }

    public static boolean[] mask(String op, Shape in, long[] axes, boolean exclude) {
        int n = in.ndim();
        boolean[] m = new boolean[n];
        if (axes == null) {
            Arrays.fill(m, true);
            return m;
        }
        long[] a = axes.clone();
        for (int i = 0; i < a.length; i++) if (a[i] < 0) a[i] += n;
        Arrays.sort(a);
        for (int i = 1; i < a.length; i++) {
            if (a[i - 1] == a[i]) throw new ShapeException("Operator " + op + ": reduction axes have duplicates " + Arrays.toString(axes));
        }
        if (a[a.length - 1] >= n || a[0] < 0) {
            throw new ShapeException("Operator " + op + ": reduction axis " + Arrays.toString(axes) + " exceeds input dimensions " + in);
        }
        for (long x : a) m[(int) x] = true;
        if (exclude) for (int i = 0; i < n; i++) m[i] = !m[i];
        return m;
    }

    /** The output shape for a reduction mask: reduced axes dropped (or kept as 1); never rank 0. */
    public static Shape outShape(Shape in, boolean[] mask, boolean keepdims) {
        long[] d = in.dims();
        long[] o = new long[d.length];
        int k = 0;
        for (int i = 0; i < d.length; i++) {
            if (!mask[i]) o[k++] = d[i];
            else if (keepdims) o[k++] = 1;
        }
        if (k == 0) return keepdims ? Shape.of(o) : Shape.of(1L);
        return Shape.of(Arrays.copyOf(o, k));
    }

    /**
     * The shape of the reduced result with reduced axes kept as 1 (what a backward kernel
     * broadcasts from); same element order as the real output.
     */
    public static Shape keptShape(Shape in, boolean[] mask) {
        long[] d = in.dims();
        for (int i = 0; i < d.length; i++) if (mask[i]) d[i] = 1;
        return Shape.of(d);
    }

    /** Product of the reduced dimensions (the divisor of mean). */
    public static long reducedSize(Shape in, boolean[] mask) {
        long p = 1;
        for (int i = 0; i < mask.length; i++) if (mask[i]) p *= in.dim(i);
        return p;
    }
}
