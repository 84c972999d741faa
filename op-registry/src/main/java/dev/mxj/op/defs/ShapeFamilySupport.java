package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeFn;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Shape, type and gradient building blocks shared by the shape, indexing, sort and random
 * operator declarations.
 *
 * <p>Backward operators here take, besides the output gradient, the forward inputs whose
 * shapes they produce ("shape donors"): NNVM infers a backward node's shapes from its forward
 * node, while this registry infers every node from its own inputs.
 */
final class ShapeFamilySupport {
    private ShapeFamilySupport() {}

    /** Forward-only inference for one input and one output. */
    static ShapeFn unary(BiFunction<Attrs, Shape, Shape> f) {
        return (a, in, out) -> {
            if (!ShapeRules.known(in[0])) return false;
            ShapeRules.assign(a, out, 0, f.apply(a, in[0]), "output");
            return ShapeRules.allKnown(out);
        };
    }

    /** Every output has the shape of input {@code donor} (backward operators). */
    static ShapeFn shapeOfInput(int donor) {
        return (a, in, out) -> {
            if (!ShapeRules.known(in[donor])) return false;
            for (int i = 0; i < out.length; i++) ShapeRules.assign(a, out, i, in[donor], "output " + i);
            return ShapeRules.allKnown(in);
        };
    }

    /**
     * Outputs take input 0's dtype (bidirectionally); the other inputs (indices, shape donors,
     * conditions) may have any dtype.
     */
    static TypeFn typeOfFirst() {
        return (a, in, out) -> {
            DType t = in[0];
            for (DType o : out) if (t == null && o != null) t = o;
            if (t == null) return false;
            TypeRules.assign(a, in, 0, t, "input 0");
            for (int i = 0; i < out.length; i++) TypeRules.assign(a, out, i, t, "output " + i);
            return TypeRules.allKnown(in);
        };
    }

    /** Gradient of a pure reshape: the output gradient reshaped like the input. */
    static final Gradient RESHAPE_GRAD = g -> List.of(g.op("reshape_like", g.outGrad(0), g.input(0)));

    /**
     * The gradient {@code op(out_grad, data)} with the forward attributes, for input 0; the other
     * inputs (shape_like and the like) get none. {@code data} only donates its shape.
     */
    static Gradient backwardOp(String op) {
        return g -> {
            List<NodeEntry> out = new ArrayList<>(Arrays.asList(new NodeEntry[g.numInputs()]));
            out.set(0, g.op(op, g.attrs().givenAsStrings(), g.outGrad(0), g.input(0)));
            return out;
        };
    }

    /** One gradient entry per input; null entries (indices, shape donors, conditions) get no gradient. */
    static List<NodeEntry> perInput(NodeEntry... grads) {
        return new ArrayList<>(Arrays.asList(grads));
    }
}
