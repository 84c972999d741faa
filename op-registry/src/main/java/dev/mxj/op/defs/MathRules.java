package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeFn;
import dev.mxj.op.TypeRules;

import java.util.Arrays;

/**
 * Shape and type rules shared by the math families (element-wise, broadcast, scalar, reduce,
 * linear algebra), following MXNet 1.9's FInferShape/FInferType functions of the same name.
 */
public final class MathRules {
    private MathRules() {}

    /**
     * MXNet's ElemwiseType for math kernels: one dtype for every input and output, bool
     * rejected (MXNet 1.x math kernels switch over MSHADOW_TYPE_SWITCH, which has no bool).
     */
    public static final TypeFn SAME_NUMERIC = (attrs, in, out) -> {
        boolean done = TypeRules.SAME.infer(attrs, in, out);
        rejectBool(attrs, in);
        return done;
    };

    static void rejectBool(Attrs attrs, DType[] in) {
        for (DType t : in) {
            if (t == DType.BOOL) {
                throw new TypeException("Operator " + attrs.op().name() + ": dtype bool is not supported, got inputs " + Arrays.toString(in)
                        + "; cast to a numeric dtype first");
            }
        }
    }

    /**
     * MXNet 1.9's NumpyBinaryScalarType for the {@code _*_scalar} operators: an integer input
     * with a non-integer scalar ({@code is_int=False}) gives float64, a bool input gives int64
     * (or float64), anything else keeps the input dtype.
     */
    public static final TypeFn SCALAR_TYPE = (attrs, in, out) -> {
        DType t = in[0];
        if (t == null) {
            if (out[0] != null && (out[0].isFloating() || attrs.getBool("is_int"))) in[0] = out[0];
            return false;
        }
        boolean isInt = attrs.getBool("is_int");
        DType o;
        if (t == DType.BOOL) o = isInt ? DType.INT64 : DType.FLOAT64;
        else if (!t.isFloating() && !isInt) o = DType.FLOAT64;
        else o = t;
        TypeRules.assign(attrs, out, 0, o, "output 0");
        return true;
    };

    /**
     * NumPy-style broadcast of two shapes as MXNet 1.x's BinaryBroadcastShape: right-aligned,
     * a dimension of 1 stretches, missing leading dimensions count as 1. Unknown dimensions
     * ({@link Shape#UNKNOWN_DIM}) stay unknown. Returns null when the shapes are incompatible.
     */
    public static Shape broadcast(Shape lhs, Shape rhs) {
        if (lhs.equals(rhs)) return lhs;
        int n = Math.max(lhs.ndim(), rhs.ndim());
        long[] out = new long[n];
        int bl = n - lhs.ndim(), br = n - rhs.ndim();
        for (int i = 0; i < n; i++) {
            long l = i >= bl ? lhs.dim(i - bl) : 1, r = i >= br ? rhs.dim(i - br) : 1;
            if (l == Shape.UNKNOWN_DIM || r == Shape.UNKNOWN_DIM) out[i] = Shape.UNKNOWN_DIM;
            else if (l == r) out[i] = l;
            else if (l == 1 || r == 1) out[i] = l == 1 ? r : l;
            else return null;
        }
        return Shape.of(out);
    }

    /** Shape inference of the broadcast_* operators. */
    public static final ShapeFn BROADCAST = (attrs, in, out) -> {
        Shape l = in[0], r = in[1];
        if (l == null || r == null || !l.isRankKnown() || !r.isRankKnown()) return false;
        Shape o = broadcast(l, r);
        if (o == null) {
            throw new ShapeException("Operator " + attrs.op().name() + ": operands could not be broadcast together with shapes " + l + " " + r);
        }
        ShapeRules.assign(attrs, out, 0, o, "output 0");
        return ShapeRules.known(l) && ShapeRules.known(r) && ShapeRules.known(out[0]);
    };

    /**
     * Backward of a binary operator: inputs (ograd, lhs, rhs), outputs shaped like lhs and rhs.
     * Also checks that ograd has the broadcast shape of lhs and rhs.
     */
    public static final ShapeFn BINARY_BACKWARD = (attrs, in, out) -> {
        ShapeRules.assign(attrs, out, 0, in[1], "lhs gradient");
        ShapeRules.assign(attrs, out, 1, in[2], "rhs gradient");
        if (ShapeRules.known(in[1]) && ShapeRules.known(in[2])) {
            Shape o = broadcast(in[1], in[2]);
            if (o == null) throw ShapeRules.error(attrs, "operands could not be broadcast together with shapes " + in[1] + " " + in[2]);
            ShapeRules.assign(attrs, in, 0, o, "output gradient");
        }
        return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
    };

    /** Outputs typed like inputs 1 and 2 (backward of a binary operator), every input one dtype. */
    public static final TypeFn BINARY_BACKWARD_TYPE = (attrs, in, out) -> {
        DType[] probe = {in[0], in[1], in[2]};
        boolean done = SAME_NUMERIC.infer(attrs, probe, new DType[0]);
        System.arraycopy(probe, 0, in, 0, 3);
        if (done) {
            TypeRules.assign(attrs, out, 0, in[1], "lhs gradient");
            TypeRules.assign(attrs, out, 1, in[2], "rhs gradient");
        }
        return done && TypeRules.allKnown(out);
    };
}
