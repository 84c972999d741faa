package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeFn;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reductions (MXNet 1.9 broadcast_reduce_*.cc): sum, mean, prod, nansum, nanprod, max, min over
 * {@code axis} (None/() = all, int or tuple, negative allowed, {@code exclude} inverts),
 * {@code norm} (ord 1 or 2) and {@code argmax}/{@code argmin} (one axis or the flattened array;
 * indices returned in the input dtype as MXNet 1.x does). Axis semantics live in
 * {@link ReduceAxes}, shared with the kernels.
 *
 * <p>Gradients are fused {@code _backward_X} operators that broadcast ograd back over the
 * reduced axes, taking (ograd, data) or (ograd, data, output) as the derivative needs; data
 * also gives them the input shape, which a device-free operator cannot get otherwise.
 */
public final class ReduceOps {
    private ReduceOps() {}

    /** What the backward of a reduction reads besides ograd. */
    private enum Uses { DATA, DATA_AND_OUTPUT }

    private record R(String name, String alias, boolean nonEmpty, Uses uses, String doc) {}

    private static final List<R> TABLE = List.of(
            new R("sum", "sum_axis", false, Uses.DATA, "Sum of array elements over the given axes."),
            new R("mean", null, false, Uses.DATA, "Mean of array elements over the given axes."),
            new R("prod", null, false, Uses.DATA_AND_OUTPUT, "Product of array elements over the given axes."),
            new R("nansum", null, false, Uses.DATA, "Sum over the given axes, treating NaN as zero."),
            new R("nanprod", null, false, Uses.DATA_AND_OUTPUT, "Product over the given axes, treating NaN as one."),
            new R("max", "max_axis", true, Uses.DATA_AND_OUTPUT, "Maximum over the given axes; NaN propagates. The gradient goes to every element equal to the maximum."),
            new R("min", "min_axis", true, Uses.DATA_AND_OUTPUT, "Minimum over the given axes; NaN propagates. The gradient goes to every element equal to the minimum."));

    public static void register(OpRegistry r) {
        for (R x : TABLE) {
            OpDef.Builder b = axesParams(OpDef.builder(x.name)).family("reduce").doc(x.doc)
                    .inferShape(reduceShape(x.nonEmpty)).inferType(MathRules.SAME_NUMERIC)
                    .gradient(g -> List.of(backward(g, x.uses)));
            if (x.alias != null) b.alias(x.alias);
            b.register(r);
            axesParams(OpDef.builder("_backward_" + x.name)).family("reduce").backwardOf(x.name)
                    .doc("Gradient of " + x.name + ": ograd broadcast back over the reduced axes, times the local derivative.")
                    .inputs(x.uses == Uses.DATA ? new String[] {"ograd", "data"} : new String[] {"ograd", "data", "output"})
                    .inferShape(BACKWARD_SHAPE).inferType(BACKWARD_TYPE)
                    .gradient(backwardGradient(x.name))
                    .register(r);
        }
        registerNorm(r);
        for (String name : List.of("argmax", "argmin")) {
            OpDef.builder(name).family("reduce")
                    .doc("Index of the " + (name.equals("argmax") ? "maximum" : "minimum") + " along an axis (the first on ties), or of the flattened array "
                            + "when axis is None; returned in the input dtype, as MXNet 1.x does.")
                    .param(Param.intParam("axis").optional().doc("The axis to search; None searches the flattened array."))
                    .param(Param.boolParam("keepdims").defaultValue(false).doc("Keep the reduced axis as a dimension of size 1."))
                    .inferShape(reduceShape(true)).inferType(MathRules.SAME_NUMERIC)
                    .zeroGradient()
                    .register(r);
        }
    }

    private static OpDef.Builder axesParams(OpDef.Builder b) {
        return b.param(Param.intTupleParam("axis").optional().doc("Axis or axes to reduce; None or () reduces all, negative counts from the end."))
                .param(Param.boolParam("keepdims").defaultValue(false).doc("Keep reduced axes as dimensions of size 1."))
                .param(Param.boolParam("exclude").defaultValue(false).doc("Reduce the axes that are NOT in axis instead."));
    }

    private static NodeEntry backward(GradContext g, Uses uses) {
        String name = "_backward_" + g.node().op().name();
        var p = g.attrs().givenAsStrings();
        return uses == Uses.DATA ? g.op(name, p, g.outGrad(0), g.input(0)) : g.op(name, p, g.outGrad(0), g.input(0), g.output(0));
    }

    /**
     * Gradient of a reduction's backward {@code bcast(ograd) * w(data, output)} (create_graph):
     * ograd gets the head gradient times w summed over the reduced axes (w is the backward at
     * ograd = 1), data and output get zeros (w is piecewise constant) except for the products,
     * whose w = output / data is smooth.
     */
    private static Gradient backwardGradient(String name) {
        String bw = "_backward_" + name;
        return g -> {
            var p = g.attrs().givenAsStrings();
            NodeEntry head = g.outGrad(0), og = g.input(0), x = g.input(1), y = g.numInputs() > 2 ? g.input(2) : null;
            if (name.equals("sum") || name.equals("mean")) return List.of(g.op(name, p, head), g.zerosLike(x));
            NodeEntry ones = g.op("ones_like", og);
            NodeEntry w = y == null ? g.op(bw, p, ones, x) : g.op(bw, p, ones, x, y);
            NodeEntry dOg = g.op("sum", p, g.op("elemwise_mul", head, w));
            if (y == null) return List.of(dOg, g.zerosLike(x));
            if (!name.endsWith("prod")) return List.of(dOg, g.zerosLike(x), g.zerosLike(y));
            // d/dx of ograd * y / x is -ograd * y / x^2; d/dy sums ograd / x over the reduced axes (skipping NaN for nanprod)
            NodeEntry dx = g.op("negative", g.op("elemwise_div", g.op("elemwise_mul", head, g.op(bw, p, og, x, y)), x));
            NodeEntry dy = g.op("elemwise_mul", og, g.op(name.equals("prod") ? "sum" : "nansum", p, g.op("elemwise_div", head, x)));
            return List.of(dOg, dx, dy);
        };
    }

    private static boolean keepdims(Attrs a) { return a.getBool("keepdims"); }

    /** Forward shape: MXNet's ReduceAxesShape (ReduceMinMaxAxesShape / ReduceAxisShape with {@code nonEmpty}). */
    static ShapeFn reduceShape(boolean nonEmpty) {
        return (attrs, in, out) -> {
            if (!ShapeRules.known(in[0])) return false;
            if (nonEmpty && in[0].size() == 0) throw ShapeRules.error(attrs, "reduction input's size should be > 0, got " + in[0]);
            ShapeRules.assign(attrs, out, 0, ReduceAxes.outShape(in[0], ReduceAxes.mask(attrs, in[0]), keepdims(attrs)), "output 0");
            return true;
        };
    }

    /** Backward shape: gradient shaped like data; ograd (and output) shaped like the reduction result. */
    static final ShapeFn BACKWARD_SHAPE = (attrs, in, out) -> {
        ShapeRules.assign(attrs, out, 0, in[1], "input gradient");
        if (!ShapeRules.known(in[1])) return false;
        Shape reduced = ReduceAxes.outShape(in[1], ReduceAxes.mask(attrs, in[1]), keepdims(attrs));
        ShapeRules.assign(attrs, in, 0, reduced, "ograd");
        if (in.length > 2) ShapeRules.assign(attrs, in, 2, reduced, "output");
        return ShapeRules.allKnown(in);
    };

    /** Backward type: the gradient has the data's dtype (ograd may differ, e.g. norm with out_dtype). */
    static final TypeFn BACKWARD_TYPE = (attrs, in, out) -> {
        TypeRules.assign(attrs, out, 0, in[1], "input gradient");
        MathRules.rejectBool(attrs, in);
        return TypeRules.allKnown(in);
    };

    private static void registerNorm(OpRegistry r) {
        TypeFn normType = (attrs, in, out) -> {
            MathRules.rejectBool(attrs, in);
            DType o = attrs.has("out_dtype") ? attrs.getDType("out_dtype") : in[0];
            if (o == DType.BOOL || o == DType.UINT8) throw new TypeException("Operator norm: out_dtype " + o + " is not supported");
            TypeRules.assign(attrs, out, 0, o, "output 0");
            return in[0] != null;
        };
        List<Param> params = new ArrayList<>(List.of(
                Param.intParam("ord").defaultValue(2).min(1).max(2).doc("Order of the norm: 1 or 2."),
                Param.intTupleParam("axis").optional().doc("Axis or axes to reduce; None or () reduces all (a 2-tuple gives the Frobenius norm of matrices)."),
                Param.dtypeParam("out_dtype").optional().doc("Output dtype; default the input dtype."),
                Param.boolParam("keepdims").defaultValue(false).doc("Keep reduced axes as dimensions of size 1.")));
        OpDef.Builder f = OpDef.builder("norm").family("reduce")
                .doc("L1 (ord=1) or L2 (ord=2) norm over the given axes.")
                .inferShape(reduceShape(false)).inferType(normType)
                .gradient(g -> List.of(g.op("_backward_norm", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0), g.output(0))));
        OpDef.Builder b = OpDef.builder("_backward_norm").family("reduce").backwardOf("norm")
                .doc("Gradient of norm: ograd * sign(x) for ord 1, ograd * x / norm for ord 2.")
                .inputs("ograd", "data", "output").inferShape(BACKWARD_SHAPE).inferType(BACKWARD_TYPE);
        for (Param p : params) { f.param(p); b.param(p); }
        b.gradient(ReduceOps::normBackwardGradient);
        f.register(r);
        b.register(r);
    }

    /**
     * Gradient of {@code _backward_norm(og, x, n)}, og * sign(x) (ord 1) or og * x / n (ord 2):
     * og gets the head gradient times sign(x) or x / n summed over the reduced axes, cast to
     * og's dtype (out_dtype); for ord 2, x gets head * og / n and n gets -og * sum(head * x) / n^2.
     */
    private static List<NodeEntry> normBackwardGradient(GradContext g) {
        Map<String, String> axes = new HashMap<>(g.attrs().givenAsStrings());
        axes.keySet().retainAll(Set.of("axis", "keepdims"));
        var p = g.attrs().givenAsStrings();
        NodeEntry head = g.outGrad(0), og = g.input(0), x = g.input(1), n = g.input(2);
        NodeEntry w = g.op("_backward_norm", p, g.op("ones_like", og), x, n);
        NodeEntry dOg = g.op("_backward_cast", g.op("sum", axes, g.op("elemwise_mul", head, w)), og);
        if (g.attrs().getInt("ord") == 1) return List.of(dOg, g.zerosLike(x), g.zerosLike(n));
        NodeEntry dx = g.op("elemwise_mul", head, g.op("_backward_norm", p, og, g.op("ones_like", x), n));
        NodeEntry headX = g.op("_backward_cast", g.op("sum", axes, g.op("elemwise_mul", head, x)), og);
        NodeEntry dn = g.op("negative", g.op("elemwise_div", g.op("elemwise_mul", og, headX), g.op("square", n)));
        return List.of(dOg, dx, dn);
    }
}
