package dev.mxj.op;

import java.util.Arrays;

/** Building blocks for shape inference functions, with MXNet-style error messages. */
public final class ShapeRules {
    private ShapeRules() {}

    /**
     * Merge {@code s} into {@code arr[i]}; throw a {@link ShapeException} naming the operator and
     * both shapes if they conflict. {@code what} is "input data" / "output 0" etc.
     */
    public static void assign(Attrs attrs, Shape[] arr, int i, Shape s, String what) {
        if (s == null) return;
        Shape m = Shape.merge(arr[i], s);
        if (m == null) {
            throw new ShapeException("Operator " + attrs.op().name() + ": shape inconsistent for " + what
                    + ", provided = " + arr[i] + ", inferred shape = " + s);
        }
        arr[i] = m;
    }

    public static boolean known(Shape s) { return s != null && s.isKnown(); }

    public static boolean allKnown(Shape[] a) {
        for (Shape s : a) if (!known(s)) return false;
        return true;
    }

    /** All inputs and outputs share one shape (element-wise ops), inferred in both directions. */
    public static final ShapeFn SAME = (attrs, in, out) -> {
        Shape acc = null;
        for (Shape s : in) acc = mergeOrFail(attrs, acc, s, in, out);
        for (Shape s : out) acc = mergeOrFail(attrs, acc, s, in, out);
        for (int i = 0; i < in.length; i++) in[i] = acc == null ? in[i] : acc;
        for (int i = 0; i < out.length; i++) out[i] = acc == null ? out[i] : acc;
        return allKnown(in) && allKnown(out);
    };

    private static Shape mergeOrFail(Attrs attrs, Shape acc, Shape s, Shape[] in, Shape[] out) {
        if (s == null) return acc; // unknown (graph inference): nothing to merge, and Shape.merge's null would read as a conflict
        Shape m = Shape.merge(acc, s);
        if (m == null) {
            throw new ShapeException("Operator " + attrs.op().name() + ": incompatible shapes, all inputs and outputs must have the same shape, got inputs "
                    + Arrays.toString(in) + " outputs " + Arrays.toString(out));
        }
        return m;
    }

    /** Fail with a message naming the operator. */
    public static ShapeException error(Attrs attrs, String message) {
        return new ShapeException("Operator " + attrs.op().name() + ": " + message);
    }
}
