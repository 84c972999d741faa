package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.mxj.op.defs.NnSupport.FLOAT_SAME;
import static dev.mxj.op.defs.NnSupport.backward;
import static dev.mxj.op.defs.NnSupport.backwardNode;
import static dev.mxj.op.defs.NnSupport.op;
import static dev.mxj.op.defs.NnSupport.params;
import static dev.mxj.op.defs.NnSupport.perInput;

/**
 * The softmax family (MXNet 1.9 src/operator/nn/softmax*.cc, softmax_output.cc,
 * loss_binary_op.cc): softmax, log_softmax, softmin, SoftmaxActivation, the SoftmaxOutput loss
 * head and softmax_cross_entropy.
 */
public final class NnSoftmaxOps {
    private NnSoftmaxOps() {}

    static void register(OpRegistry r) {
        for (String name : List.of("softmax", "log_softmax", "softmin")) softmax(r, name);
        softmaxActivation(r);
        softmaxOutput(r);
        softmaxCrossEntropy(r);
    }

    // ------------------------------------------------------------------ softmax, log_softmax, softmin

    private static final List<Param> SOFTMAX_PARAMS = List.of(
            Param.intParam("axis").defaultValue(-1).doc("The axis along which to compute softmax."),
            Param.floatParam("temperature").optional().doc("Temperature t: the input is divided by t (default 1)."),
            Param.dtypeParam("dtype").optional().doc("Output dtype (float16, float32 or float64); by default the input's dtype."),
            Param.boolParam("use_length").optional().defaultValue(false).doc("Whether to use the length input as a mask over the data input."));

    /** Whether the op takes a length input. */
    public static boolean useLength(Attrs a) { return Boolean.TRUE.equals(a.get("use_length")); }

    /** MXNet passes the forward input to the backward node only when the dtype may differ or a length is given. */
    private static boolean backwardUsesData(Attrs a) { return a.has("dtype") || useLength(a); }

    private static void softmax(OpRegistry r, String name) {
        String what = switch (name) {
            case "softmax" -> "softmax(x/t)_j = exp(x_j/t) / sum_k exp(x_k/t); outputs lie in (0, 1) and sum to 1 along `axis`.";
            case "log_softmax" -> "log_softmax(x/t)_j = x_j/t - log(sum_k exp(x_k/t)).";
            default -> "softmin(x/t)_j = exp(-x_j/t) / sum_k exp(-x_k/t), the softmax of -x.";
        };
        OpDef.Builder b = params(op(name), SOFTMAX_PARAMS);
        if (!name.equals("softmin")) b.alias("_npx_" + name); // MXNet's softmin has no numpy alias
        b.doc("Applies " + name + " along `axis`: " + what + " With use_length=True a second input `length` (integers, "
                        + "shaped like data without `axis`) limits each slice to its first length entries; the rest of the "
                        + "slice is 0 in the output. `dtype` sets the output dtype.")
                .inputs(a -> useLength(a) ? List.of("data", "length") : List.of("data"))
                .inferShape(NnSoftmaxOps::softmaxShape)
                .inferType(NnSoftmaxOps::softmaxType)
                .inplace(a -> a.has("dtype") ? List.of() : List.of(new OpDef.InplacePair(0, 0)))
                .gradient(g -> {
                    Attrs a = g.attrs();
                    List<NodeEntry> ins = new ArrayList<>();
                    ins.add(g.outGrad(0));
                    if (backwardUsesData(a)) ins.add(g.input(0));
                    if (useLength(a)) ins.add(g.input(1));
                    ins.add(g.output(0));
                    NodeEntry d = g.op("_backward_" + name, a.givenAsStrings(), ins.toArray(NodeEntry[]::new));
                    return useLength(a) ? perInput(d, null) : List.of(d);
                })
                .register(r);

        backward("_backward_" + name, name, SOFTMAX_PARAMS)
                .inputs(a -> useLength(a) ? List.of("ograd", "data", "length", "output")
                        : a.has("dtype") ? List.of("ograd", "data", "output") : List.of("ograd", "output"))
                .inferShape((a, in, out) -> {
                    Shape o = in[in.length - 1];
                    if (!ShapeRules.known(o)) return false;
                    ShapeRules.assign(a, out, 0, o, "output data_grad");
                    return ShapeRules.allKnown(in);
                })
                .inferType((a, in, out) -> {
                    DType o = in[in.length - 1], d = backwardUsesData(a) ? in[1] : o;
                    if (o == null || d == null) return false;
                    TypeRules.assign(a, in, 0, o, "input ograd");
                    TypeRules.assign(a, out, 0, d, "output data_grad");
                    NnSupport.requireFloat(a, new DType[] {o, d});
                    return true;
                })
                .gradient(g -> softmaxBackwardGradient(g, name))
                .register(r);
    }

    /**
     * Gradient of the softmax family's backward (create_graph), from the output y along the axis:
     * softmax's dx = y (og - s) / t with s = sum(og y) is symmetric in og (softmin's is its
     * negation), log_softmax's dx = (og - exp(y) sum(og)) / t is not. With a dtype the head
     * gradient is cast to ograd's dtype and the result back. Not for a length mask.
     */
    private static List<NodeEntry> softmaxBackwardGradient(GradContext g, String name) {
        Attrs a = g.attrs();
        if (useLength(a)) throw new UnsupportedOperationException("the second-order gradient of " + name + " with use_length=True is not implemented");
        int n = g.numInputs();
        NodeEntry og = g.input(0), y = g.input(n - 1);
        boolean cast = a.has("dtype");
        NodeEntry h = cast ? g.op("_backward_cast", g.outGrad(0), og) : g.outGrad(0);
        int axis = a.getInt("axis");
        double t = a.getDouble("temperature", 1);
        NodeEntry[] d;
        if (name.equals("log_softmax")) {
            // og gets (h - sum(h exp(y))) / t, y gets -h exp(y) sum(og) / t
            NodeEntry hp = g.op("elemwise_mul", h, g.op("exp", y));
            d = new NodeEntry[] {g.op("_div_scalar", Map.of("scalar", t), g.op("broadcast_sub", h, axisSum(g, hp, axis))),
                    g.op("_div_scalar", Map.of("scalar", -t), g.op("broadcast_mul", hp, axisSum(g, og, axis)))};
        } else {
            NodeEntry self = g.op("_backward_" + name, a.givenAsStrings(), SecondOrder.inputsWith(g, 0, h));
            d = softmaxOutputGradient(g, self, h, axis, name.equals("softmin") ? -t : t);
        }
        if (cast) d[0] = g.op("_backward_cast", d[0], og);
        return n == 3 ? List.of(d[0], g.zerosLike(g.input(1)), d[1]) : List.of(d[0], d[1]);
    }

    /**
     * For a backward dx = y (og - sum(og y)) / t (t negative for softmin), whose gradient towards
     * og is {@code self} (that op on the head gradient h): (self, (h (og - s) - og sum(h y)) / t).
     */
    private static NodeEntry[] softmaxOutputGradient(GradContext g, NodeEntry self, NodeEntry h, int axis, double t) {
        NodeEntry og = g.input(0), y = g.input(g.numInputs() - 1);
        NodeEntry s = axisSum(g, g.op("elemwise_mul", og, y), axis), r = axisSum(g, g.op("elemwise_mul", h, y), axis);
        NodeEntry dy = g.op("elemwise_sub", g.op("elemwise_mul", h, g.op("broadcast_sub", og, s)), g.op("broadcast_mul", og, r));
        return new NodeEntry[] {self, g.op("_div_scalar", Map.of("scalar", t), dy)};
    }

    /** x summed along the axis, kept as size 1 for broadcasting back. */
    private static NodeEntry axisSum(GradContext g, NodeEntry x, int axis) {
        return g.op("sum", Map.of("axis", axis, "keepdims", true), x);
    }

    private static boolean softmaxShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) {
            if (ShapeRules.known(out[0])) ShapeRules.assign(a, in, 0, out[0], "input data");
            d = NnSupport.known(in[0]);
            if (d == null) return false;
        }
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        int axis = NnSupport.axis(a, "axis", a.getInt("axis"), d.ndim());
        if (useLength(a)) ShapeRules.assign(a, in, 1, NnSupport.dropAxis(d, axis), "input length");
        ShapeRules.assign(a, out, 0, d, "output");
        return ShapeRules.allKnown(in);
    }

    private static boolean softmaxType(Attrs a, DType[] in, DType[] out) {
        if (a.has("dtype")) {
            DType t = a.getDType("dtype");
            if (!t.isFloating()) throw new TypeException("Operator " + a.op().name() + ": dtype must be float16, float32 or float64, got " + t);
            TypeRules.assign(a, out, 0, t, "output");
        } else if (in[0] != null) {
            TypeRules.assign(a, out, 0, in[0], "output");
        } else if (out[0] != null) {
            in[0] = out[0];
        }
        NnSupport.requireFloat(a, new DType[] {in[0]});
        if (useLength(a)) NnSupport.requireInteger(a, in[1], "length");
        return TypeRules.allKnown(in) && TypeRules.allKnown(out);
    }

    // ------------------------------------------------------------------ SoftmaxActivation

    private static final List<Param> SOFTMAX_ACT_PARAMS = List.of(
            Param.enumParam("mode", "instance", "channel").defaultValue("instance")
                    .doc("instance: a softmax over the last axis (MXNet folds all leading axes into rows); channel: a softmax over axis 1 at each position."));

    private static void softmaxActivation(OpRegistry r) {
        params(op("SoftmaxActivation"), SOFTMAX_ACT_PARAMS)
                .doc("Applies softmax to the input (deprecated in MXNet in favour of softmax). mode='instance' computes a "
                        + "softmax over the last axis (one per instance for 2-D input; MXNet 1.9 folds all leading axes into rows); mode='channel' (input of at least 3 dimensions) "
                        + "computes a softmax over axis 1 at each position of each instance.")
                .inferShape((a, in, out) -> {
                    boolean done = ShapeRules.SAME.infer(a, in, out);
                    if (ShapeRules.known(in[0]) && a.getString("mode").equals("channel")) NnSupport.requireRank(a, in[0], 3, "data in mode=channel");
                    if (ShapeRules.known(in[0]) && in[0].ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
                    return done;
                })
                .inferType(FLOAT_SAME)
                .gradient(g -> List.of(g.op("_backward_SoftmaxActivation", g.attrs().givenAsStrings(), g.outGrad(0), g.output(0))))
                .register(r);

        backward("_backward_SoftmaxActivation", "SoftmaxActivation", SOFTMAX_ACT_PARAMS)
                .inputs("ograd", "output")
                .inferShape(ShapeRules.SAME)
                .inferType(FLOAT_SAME)
                // a softmax over the last axis (instance) or axis 1 (channel): the softmax case above
                .gradient(g -> List.of(softmaxOutputGradient(g, g.op("_backward_SoftmaxActivation", g.attrs().givenAsStrings(), g.outGrad(0), g.input(1)),
                        g.outGrad(0), g.attrs().getString("mode").equals("channel") ? 1 : -1, 1)))
                .register(r);
    }

    // ------------------------------------------------------------------ SoftmaxOutput

    private static final List<Param> SOFTMAX_OUTPUT_PARAMS = List.of(
            Param.floatParam("grad_scale").defaultValue(1.0).doc("Scales the gradient by a float factor."),
            Param.floatParam("ignore_label").defaultValue(-1.0).doc("Instances whose label equals ignore_label get no gradient when use_ignore is true."),
            Param.boolParam("multi_output").defaultValue(false).doc("Compute the softmax along axis 1 (labels then have the shape of data without axis 1)."),
            Param.boolParam("use_ignore").defaultValue(false).doc("Whether instances labelled ignore_label contribute no gradient."),
            Param.boolParam("preserve_shape").defaultValue(false).doc("Compute the softmax along the last axis."),
            Param.enumParam("normalization", "null", "batch", "valid").defaultValue("null").doc("How the gradient is normalised: not, by the batch size, or by the number of valid (not ignored) labels."),
            Param.boolParam("out_grad").defaultValue(false).doc("Multiply the gradient by the head gradient element-wise."),
            Param.floatParam("smooth_alpha").defaultValue(0.0).min(0).max(1).doc("Label smoothing: alpha is taken from the true class and spread over the others in the gradient."));

    private static void softmaxOutput(OpRegistry r) {
        params(op("SoftmaxOutput"), SOFTMAX_OUTPUT_PARAMS).alias("Softmax")
                .doc("Softmax loss head: the forward pass is a softmax (over all but the first axis by default, over the last axis "
                        + "with preserve_shape, over axis 1 with multi_output); the backward pass returns the gradient of the "
                        + "cross-entropy loss, (output - one_hot(label)) * grad_scale, normalised as `normalization` says, "
                        + "regardless of the head gradient (unless out_grad=True, which multiplies by it as documented; MXNet 1.9.1's "
                        + "kernel multiplies by the softmax output instead). A label shaped like data is used as a probability "
                        + "distribution.")
                .inputs("data", "label")
                .inferShape(NnSoftmaxOps::softmaxOutputShape)
                .inferType(FLOAT_SAME)
                .gradient(g -> {
                    Attrs a = g.attrs();
                    Node b = a.getBool("out_grad")
                            ? backwardNode(g, "_backward_SoftmaxOutput", g.output(0), g.input(1), g.outGrad(0))
                            : backwardNode(g, "_backward_SoftmaxOutput", g.output(0), g.input(1));
                    return perInput(b.output(0), b.output(1));
                })
                .register(r);

        backward("_backward_SoftmaxOutput", "SoftmaxOutput", SOFTMAX_OUTPUT_PARAMS)
                .inputs(a -> a.getBool("out_grad") ? List.of("output", "label", "ograd") : List.of("output", "label"))
                .outputs("data_grad", "label_grad")
                .inferShape(NnSupport.outputsFromInputs(0, 1))
                .inferType(FLOAT_SAME)
                .register(r);
    }

    /** MXNet's SoftmaxOutputShape: a label shaped like data is a distribution, otherwise class indices. */
    private static boolean softmaxOutputShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) return false;
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        Shape l = in[1];
        if (!d.equals(l)) {
            if (a.getBool("multi_output")) {
                NnSupport.requireRank(a, d, 2, "data with multi_output=True");
                long n = d.dim(0), spatial = d.size() / n / Math.max(1, d.dim(1));
                Shape l1 = Shape.of(n, spatial);
                long[] l2 = new long[d.ndim() - 1];
                l2[0] = n;
                for (int i = 2; i < d.ndim(); i++) l2[i - 1] = d.dim(i);
                Shape l3 = d.withDim(1, 1);
                if (l == null || !l.isRankKnown()) in[1] = l1;
                else if (!(l.equals(l1) || l.equals(Shape.of(l2)) || l.equals(l3))) {
                    throw new ShapeException("Operator SoftmaxOutput: label shape " + l + " does not match data " + d
                            + " with multi_output=True: expected " + l1 + " or " + Shape.of(l2));
                }
            } else {
                long[] ld = Arrays.copyOf(d.dims(), d.ndim() - 1);
                ShapeRules.assign(a, in, 1, Shape.of(ld), "input label");
            }
        }
        ShapeRules.assign(a, out, 0, d, "output");
        return ShapeRules.allKnown(in);
    }

    // ------------------------------------------------------------------ softmax_cross_entropy

    private static void softmaxCrossEntropy(OpRegistry r) {
        op("softmax_cross_entropy")
                .doc("Cross entropy of the softmax of 2-D data with integer labels: sum_i -log(max(softmax(data_i)[label_i], 1e-8)), "
                        + "returned as an array of shape (1,). Example: data [[1, 2, 3], [11, 7, 5]], label [2, 0] gives 0.4281871.")
                .inputs("data", "label")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    if (in[0].ndim() != 2) throw ShapeRules.error(a, "data must be 2-D, got " + in[0]);
                    if (in[1].ndim() != 1) throw ShapeRules.error(a, "label must be 1-D, got " + in[1]);
                    if (in[0].dim(0) != in[1].dim(0)) throw ShapeRules.error(a, "data " + in[0] + " and label " + in[1] + " differ in their first dimension");
                    ShapeRules.assign(a, out, 0, Shape.of(1), "output");
                    return true;
                })
                .inferType(FLOAT_SAME)
                .gradient(g -> perInput(g.op("_backward_softmax_cross_entropy", g.outGrad(0), g.input(0), g.input(1)), null))
                .register(r);

        NnSupport.backward("_backward_softmax_cross_entropy", "softmax_cross_entropy", List.of())
                .inputs("ograd", "data", "label")
                .inferShape(NnSupport.outputsFromInputs(1))
                .inferType(FLOAT_SAME)
                .gradient(NnSoftmaxOps::crossEntropyBackwardGradient)
                .register(r);
    }

    /**
     * Gradient of og * (softmax(data) - one_hot(label)) (create_graph): og (shape (1,)) gets the
     * sum of the head gradient times that difference (the backward at og = 1), data gets og times
     * softmax's backward of the head gradient; the label none.
     */
    private static List<NodeEntry> crossEntropyBackwardGradient(GradContext g) {
        NodeEntry h = g.outGrad(0), og = g.input(0), data = g.input(1), label = g.input(2);
        NodeEntry diff = g.op("_backward_softmax_cross_entropy", g.op("ones_like", og), data, label);
        NodeEntry dData = g.op("broadcast_mul", og, g.op("_backward_softmax", h, g.op("softmax", data)));
        return perInput(g.op("sum", g.op("elemwise_mul", h, diff)), dData, null);
    }
}
