package dev.mxj.op;

import java.util.Arrays;

/** Building blocks for type inference functions. */
public final class TypeRules {
    private TypeRules() {}

    public static boolean allKnown(DType[] a) {
        for (DType t : a) if (t == null) return false;
        return true;
    }

    public static void assign(Attrs attrs, DType[] arr, int i, DType t, String what) {
        if (t == null) return;
        if (arr[i] != null && arr[i] != t) {
            throw new TypeException("Operator " + attrs.op().name() + ": type inconsistent for " + what + ", provided = " + arr[i] + ", inferred type = " + t);
        }
        arr[i] = t;
    }

    /** Every input and output has the same dtype. */
    public static TypeFn sameAsFirstInput() { return SAME; }

    public static final TypeFn SAME = (attrs, in, out) -> {
        DType t = null;
        for (DType d : in) if (d != null) { t = d; break; }
        if (t == null) for (DType d : out) if (d != null) { t = d; break; }
        if (t == null) return false;
        for (int i = 0; i < in.length; i++) {
            if (in[i] != null && in[i] != t) {
                throw new TypeException("Operator " + attrs.op().name() + ": all inputs must have the same dtype, got " + Arrays.toString(in));
            }
            in[i] = t;
        }
        for (int i = 0; i < out.length; i++) assign(attrs, out, i, t, "output " + i);
        return true;
    };

    /** Outputs have a fixed dtype (e.g. argmax → float32 as in MXNet, comparisons keep the input type). */
    public static TypeFn fixedOutput(DType t) {
        return (attrs, in, out) -> {
            for (int i = 0; i < out.length; i++) assign(attrs, out, i, t, "output " + i);
            return allKnown(in);
        };
    }

    /** Output dtype from a "dtype" parameter (creation ops), default float32 when None. */
    public static final TypeFn FROM_DTYPE_PARAM = (attrs, in, out) -> {
        DType t = attrs.has("dtype") ? attrs.getDType("dtype") : DType.FLOAT32;
        for (int i = 0; i < out.length; i++) assign(attrs, out, i, t, "output " + i);
        return allKnown(in);
    };
}
