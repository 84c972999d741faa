package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeFn;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Building blocks of the neural-network operator declarations.
 *
 * <p>Backward operators ({@code _backward_X}) declare the same parameters as X (MXNet parses
 * both with one parameter struct) and receive X's given attributes; they infer their shapes
 * from their own inputs, so each takes the forward arrays whose shapes its outputs have.
 */
final class NnSupport {
    private NnSupport() {}

    static final String FAMILY = "nn";

    static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    /** A {@code _backward_X} declaration with X's parameters. */
    static OpDef.Builder backward(String name, String forward, List<Param> params) {
        OpDef.Builder b = OpDef.builder(name).family(FAMILY).backwardOf(forward)
                .doc("Gradient of " + forward + " (an internal node of the gradient graph).");
        for (Param p : params) b.param(p);
        return b;
    }

    static OpDef.Builder params(OpDef.Builder b, List<Param> params) {
        for (Param p : params) b.param(p);
        return b;
    }

    /** The node {@code opName(inputs)} with the forward node's given attributes (all outputs reachable). */
    static Node backwardNode(GradContext g, String opName, NodeEntry... inputs) {
        return g.node(opName, g.attrs().givenAsStrings(), inputs);
    }

    /** One gradient entry per input; a null entry means "no gradient" (index inputs). */
    static List<NodeEntry> perInput(NodeEntry... grads) { return new ArrayList<>(Arrays.asList(grads)); }

    /** Outputs 0..n-1 of a backward node, one per forward input. */
    static List<NodeEntry> outputsOf(Node n, int count) {
        List<NodeEntry> r = new ArrayList<>(count);
        for (int i = 0; i < count; i++) r.add(n.output(i));
        return r;
    }

    // ------------------------------------------------------------------ types

    /**
     * MXNet's real-type kernels (MSHADOW_REAL_TYPE_SWITCH): every input and output one of
     * float16, float32, float64.
     */
    static final TypeFn FLOAT_SAME = (a, in, out) -> {
        boolean done = TypeRules.SAME.infer(a, in, out);
        requireFloat(a, in);
        requireFloat(a, out);
        return done;
    };

    /**
     * The inputs not listed in {@code free} and every output share one float dtype; the listed
     * inputs (labels given as indices, lengths) may have any dtype but must be known.
     */
    static TypeFn floatExcept(int... free) {
        return (a, in, out) -> {
            DType t = null;
            for (int i = 0; i < in.length && t == null; i++) if (!contains(free, i)) t = in[i];
            for (int i = 0; i < out.length && t == null; i++) t = out[i];
            if (t == null) return false;
            for (int i = 0; i < in.length; i++) if (!contains(free, i)) TypeRules.assign(a, in, i, t, "input " + a.op().inputNames(a).get(i));
            for (int i = 0; i < out.length; i++) TypeRules.assign(a, out, i, t, "output " + i);
            requireFloat(a, in, free);
            return TypeRules.allKnown(in);
        };
    }

    static boolean contains(int[] a, int x) {
        for (int v : a) if (v == x) return true;
        return false;
    }

    static void requireFloat(Attrs a, DType[] ts, int... except) {
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] != null && !ts[i].isFloating() && !contains(except, i)) {
                throw new TypeException("Operator " + a.op().name() + ": dtype " + ts[i] + " is not supported, expected float16, float32 or float64");
            }
        }
    }

    /** Integer dtypes only (softmax lengths). */
    static void requireInteger(Attrs a, DType t, String what) {
        if (t != null && (t.isFloating() || t == DType.BOOL)) {
            throw new TypeException("Operator " + a.op().name() + ": " + what + " must have an integer dtype (int32 or int64), got " + t);
        }
    }

    // ------------------------------------------------------------------ shapes

    /** Output {@code i} has the shape of input {@code donors[i]} (backward operators). */
    static ShapeFn outputsFromInputs(int... donors) {
        return (a, in, out) -> {
            for (int i = 0; i < out.length; i++) if (ShapeRules.known(in[donors[i]])) ShapeRules.assign(a, out, i, in[donors[i]], "output " + i);
            return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
        };
    }

    /** A fully known input shape or null. */
    static Shape known(Shape s) { return ShapeRules.known(s) ? s : null; }

    /** Normalise an axis parameter against a rank; fails naming the operator and the parameter. */
    static int axis(Attrs a, String param, int axis, int ndim) {
        int r = axis < 0 ? axis + ndim : axis;
        if (r < 0 || r >= ndim) {
            throw ShapeRules.error(a, param + " " + axis + " is out of range for an input of " + ndim + " dimension" + (ndim == 1 ? "" : "s"));
        }
        return r;
    }

    /** The shape with dimension {@code axis} removed; a rank-1 shape gives (1,) as MXNet does. */
    static Shape dropAxis(Shape s, int axis) {
        long[] d = s.dims();
        if (d.length == 1) return Shape.of(1L);
        long[] r = new long[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) if (i != axis) r[j++] = d[i];
        return Shape.of(r);
    }

    static void requireRank(Attrs a, Shape s, int min, String what) {
        if (s.ndim() < min) throw ShapeRules.error(a, what + " must have at least " + min + " dimension" + (min == 1 ? "" : "s") + ", got " + s);
    }
}
