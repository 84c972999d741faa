package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.List;

import static dev.mxj.op.defs.NnSupport.FLOAT_SAME;
import static dev.mxj.op.defs.NnSupport.backward;
import static dev.mxj.op.defs.NnSupport.backwardNode;
import static dev.mxj.op.defs.NnSupport.op;
import static dev.mxj.op.defs.NnSupport.params;
import static dev.mxj.op.defs.NnSupport.perInput;

/**
 * Loss heads and losses (MXNet 1.9 regression_output.cc, make_loss.cc, smooth_l1 in
 * elemwise_binary_scalar_op_extended.cc). The regression heads and MakeLoss are MXNet's
 * "output" operators: their gradient is that of an implicit loss and ignores the head gradient.
 */
public final class NnLossOps {
    private NnLossOps() {}

    static void register(OpRegistry r) {
        regression(r, "LinearRegressionOutput", "_backward_linear_reg_out",
                "Identity in the forward pass; the gradient is that of the squared loss 1/2 (out - label)^2: "
                        + "(out - label) * grad_scale / m, with m the number of label elements per instance.");
        regression(r, "MAERegressionOutput", "_backward_mae_reg_out",
                "Identity in the forward pass; the gradient is that of the absolute loss |out - label|: "
                        + "sign(out - label) * grad_scale / m, with m the number of label elements per instance.");
        regression(r, "LogisticRegressionOutput", "_backward_logistic_reg_out",
                "Sigmoid 1/(1+exp(-x)) in the forward pass; the gradient is that of the logistic (binary cross-entropy) loss: "
                        + "(out - label) * grad_scale / m, with m the number of label elements per instance.");
        makeLoss(r);
        smoothL1(r);
    }

    // ------------------------------------------------------------------ regression outputs

    private static final List<Param> REGRESSION_PARAMS = List.of(
            Param.floatParam("grad_scale").defaultValue(1.0).doc("Scale the gradient by a float factor."));

    private static void regression(OpRegistry r, String name, String backwardName, String doc) {
        params(op(name), REGRESSION_PARAMS)
                .doc(doc + " The label has data's shape, or (batch,) when data is (batch, 1); its gradient is zero.")
                .inputs("data", "label")
                .inferShape(NnLossOps::regressionShape)
                .inferType(FLOAT_SAME)
                .inplace(0, 0)
                .gradient(g -> {
                    Node b = backwardNode(g, backwardName, g.input(1), g.output(0));
                    return perInput(b.output(0), b.output(1));
                })
                .register(r);

        backward(backwardName, name, REGRESSION_PARAMS)
                .inputs("label", "output")
                .outputs("data_grad", "label_grad")
                .inferShape(NnSupport.outputsFromInputs(1, 0))
                .inferType(FLOAT_SAME)
                .gradient(g -> regressionBackwardGradient(g, backwardName))
                .register(r);
    }

    /**
     * Gradient of (output - label) * f (create_graph; the label gradient output is zero): the
     * head gradient h0 times f for output, minus that reshaped for the label, f taken from the
     * backward itself at label 0; the absolute loss's sign is piecewise constant.
     */
    private static List<NodeEntry> regressionBackwardGradient(GradContext g, String backwardName) {
        NodeEntry label = g.input(0), output = g.input(1);
        if (backwardName.equals("_backward_mae_reg_out")) return List.of(g.zerosLike(label), g.zerosLike(output));
        NodeEntry scaled = backwardNode(g, backwardName, g.zerosLike(label), g.outGrad(0)).output(0);
        return List.of(g.op("negative", g.op("reshape_like", scaled, label)), scaled);
    }

    /** MXNet's RegressionOpShape: the label defaults to data's shape ((batch,) for (batch, 1) data) and must match its size. */
    private static boolean regressionShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) return false;
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        Shape l = in[1];
        if (l == null || !l.isRankKnown()) {
            in[1] = d.ndim() == 2 && d.dim(1) == 1 ? Shape.of(d.dim(0)) : d;
        } else if (!l.isKnown() || l.ndim() == 0 || l.dim(0) != d.dim(0) || l.size() != d.size()) {
            throw new ShapeException("Operator " + a.op().name() + ": label shape " + l + " is inconsistent with data " + d
                    + ": it must have the same first dimension and number of elements");
        }
        ShapeRules.assign(a, out, 0, d, "output");
        return true;
    }

    // ------------------------------------------------------------------ MakeLoss

    private static final List<Param> MAKE_LOSS_PARAMS = List.of(
            Param.floatParam("grad_scale").defaultValue(1.0).doc("Gradient scale as a supplement to unary and binary operators."),
            Param.floatParam("valid_thresh").defaultValue(0.0).doc("Elements above this threshold count as valid when normalization='valid'."),
            Param.enumParam("normalization", "null", "batch", "valid").defaultValue("null")
                    .doc("null: gradient grad_scale; batch: divided by the batch size; valid: divided by the number of elements above valid_thresh."));

    private static void makeLoss(OpRegistry r) {
        params(op("MakeLoss"), MAKE_LOSS_PARAMS)
                .doc("Marks its input as a loss: identity in the forward pass; in the backward pass the gradient is grad_scale "
                        + "everywhere (divided by the batch size, or by the number of elements above valid_thresh, as "
                        + "`normalization` says), ignoring the head gradient. As in MXNet, 'batch' divides by the number of rows "
                        + "of data flattened to 2-D, i.e. by the product of all dimensions but the last.")
                .inferShape((a, in, out) -> {
                    boolean done = ShapeRules.SAME.infer(a, in, out);
                    if (ShapeRules.known(in[0]) && in[0].ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
                    return done;
                })
                .inferType(FLOAT_SAME)
                .inplace(0, 0)
                .gradient(g -> List.of(g.op("_backward_MakeLoss", g.attrs().givenAsStrings(), g.input(0))))
                .register(r);

        backward("_backward_MakeLoss", "MakeLoss", MAKE_LOSS_PARAMS)
                .inputs("data")
                .inferShape(ShapeRules.SAME)
                .inferType(FLOAT_SAME)
                .zeroGradient() // grad_scale over a count: piecewise constant in data
                .register(r);
    }

    // ------------------------------------------------------------------ smooth_l1

    private static final List<Param> SMOOTH_L1_PARAMS = List.of(
            Param.floatParam("scalar").defaultValue(1.0).doc("sigma: the quadratic region is |x| < 1/sigma^2."),
            Param.boolParam("is_int").defaultValue(true).doc("Whether the scalar was given as an integer (MXNet's scalar-operator convention)."));

    private static void smoothL1(OpRegistry r) {
        params(op("smooth_l1"), SMOOTH_L1_PARAMS).alias("_npx_smooth_l1")
                .doc("Smooth L1 loss, element-wise: (sigma*x)^2/2 if |x| < 1/sigma^2, else |x| - 0.5/sigma^2, with sigma = scalar. "
                        + "Example: smooth_l1([1, 2, 3, 4]) = [0.5, 1.5, 2.5, 3.5].")
                .inferShape(ShapeRules.SAME)
                .inferType(MathRules.SAME_NUMERIC)
                .inplace(0, 0)
                .gradient(g -> List.of(g.op("_backward_smooth_l1", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0))))
                .register(r);

        backward("_backward_smooth_l1", "smooth_l1", SMOOTH_L1_PARAMS)
                .inputs("ograd", "data")
                .inferShape(ShapeRules.SAME)
                .inferType(MathRules.SAME_NUMERIC)
                .inplace(0, 0)
                .gradient(SecondOrder.ofUnaryBackward("_backward_smooth_l1", NnLossOps::smoothL1SecondDerivative))
                .register(r);
    }

    /** The loss's second derivative: sigma^2 inside the quadratic region |x| <= 1/sigma^2, 0 outside. */
    private static NodeEntry smoothL1SecondDerivative(SecondOrder.Expr e, NodeEntry x) {
        double s2 = e.attr("scalar") * e.attr("scalar");
        return e.scale(e.withScalar("_lesser_equal_scalar", e.fn("abs", x), 1 / s2), s2);
    }
}
