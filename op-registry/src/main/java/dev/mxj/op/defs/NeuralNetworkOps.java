package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeRules;
import dev.mxj.op.defs.SecondOrder.Factor;
import dev.mxj.op.defs.SecondOrder.SecondDerivative;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.mxj.op.defs.NnSupport.FLOAT_SAME;
import static dev.mxj.op.defs.NnSupport.backward;
import static dev.mxj.op.defs.NnSupport.backwardNode;
import static dev.mxj.op.defs.NnSupport.op;
import static dev.mxj.op.defs.NnSupport.outputsFromInputs;
import static dev.mxj.op.defs.NnSupport.outputsOf;
import static dev.mxj.op.defs.NnSupport.params;
import static dev.mxj.op.defs.NnSupport.perInput;

/**
 * Neural-network core operators (MXNet 1.9 src/operator/nn and friends): the dense layer,
 * activations, dropout and embedding here; softmax and loss heads in {@link NnSoftmaxOps} and
 * {@link NnLossOps}, normalisations in {@link NnNormOps}, sequence operators in
 * {@link NnSequenceOps}. Kernels compute in the input's float type (float16 through float);
 * gradients are fused {@code _backward_X} operators as in MXNet.
 */
public final class NeuralNetworkOps {
    private NeuralNetworkOps() {}

    public static void register(OpRegistry r) {
        fullyConnected(r);
        activation(r);
        leakyRelu(r);
        dropout(r);
        embedding(r);
        blockGrad(r);
        NnSoftmaxOps.register(r);
        NnLossOps.register(r);
        NnNormOps.register(r);
        NnSequenceOps.register(r);
    }

    // ------------------------------------------------------------------ FullyConnected

    private static final List<Param> FC_PARAMS = List.of(
            Param.intParam("num_hidden").required().min(1).doc("Number of hidden nodes of the output."),
            Param.boolParam("no_bias").defaultValue(false).doc("Whether to disable the bias parameter."),
            Param.boolParam("flatten").defaultValue(true).doc("Whether to collapse all but the first axis of the input data."));

    private static List<String> fcInputs(Attrs a) {
        return a.getBool("no_bias") ? List.of("data", "weight") : List.of("data", "weight", "bias");
    }

    private static void fullyConnected(OpRegistry r) {
        params(op("FullyConnected"), FC_PARAMS).alias("_npx_fully_connected")
                .doc("Applies a linear transformation: Y = X W^T + b. With flatten=True, X of shape (d0, d1, ..., dk) is "
                        + "flattened to (d0, d1*...*dk) and the output is (d0, num_hidden); with flatten=False the transform "
                        + "applies to the last axis and the output is (d0, ..., d(k-1), num_hidden). weight has shape "
                        + "(num_hidden, input_dim) and bias (num_hidden,); both are inferred from data.")
                .inputs(NeuralNetworkOps::fcInputs)
                .inferShape(NeuralNetworkOps::fcShape)
                .inferType(FLOAT_SAME)
                .gradient(g -> outputsOf(backwardNode(g, "_backward_FullyConnected", g.outGrad(0), g.input(0), g.input(1)), g.numInputs()))
                .register(r);

        backward("_backward_FullyConnected", "FullyConnected", FC_PARAMS)
                .inputs("ograd", "data", "weight")
                .outputs(a -> a.getBool("no_bias") ? List.of("data_grad", "weight_grad") : List.of("data_grad", "weight_grad", "bias_grad"))
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[1]) || !ShapeRules.known(in[2])) return false;
                    ShapeRules.assign(a, out, 0, in[1], "output data_grad");
                    ShapeRules.assign(a, out, 1, in[2], "output weight_grad");
                    if (out.length > 2) ShapeRules.assign(a, out, 2, Shape.of(in[2].dim(0)), "output bias_grad");
                    return ShapeRules.allKnown(in);
                })
                .inferType(FLOAT_SAME)
                .gradient(SecondOrder.ofBilinearBackward("FullyConnected", "_backward_FullyConnected"))
                .register(r);
    }

    /** MXNet's FullyConnectedShape: weight and bias from data; the batch size back from the output. */
    private static boolean fcShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = in[0];
        if (d == null || !d.isRankKnown()) return false;
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        long h = a.getInt("num_hidden");
        boolean flatten = a.getBool("flatten");
        long[] dd = d.dims();
        long k = 1;
        if (flatten) {
            for (int i = 1; i < dd.length; i++) k = dd[i] == Shape.UNKNOWN_DIM || k == Shape.UNKNOWN_DIM ? Shape.UNKNOWN_DIM : k * dd[i];
        } else {
            k = dd[dd.length - 1];
        }
        ShapeRules.assign(a, in, 1, Shape.of(h, k), "input weight");
        if (in.length > 2) {
            boolean column = in[2] != null && in[2].isRankKnown() && in[2].ndim() == 2;
            ShapeRules.assign(a, in, 2, column ? Shape.of(h, 1) : Shape.of(h), "input bias");
        }
        if (out[0] != null && out[0].isRankKnown() && out[0].ndim() > 0 && dd[0] == Shape.UNKNOWN_DIM) {
            dd[0] = out[0].dim(0);
            ShapeRules.assign(a, in, 0, Shape.of(dd), "input data");
        }
        long[] o;
        if (flatten) {
            o = new long[] {dd[0], h};
        } else {
            o = dd.clone();
            o[o.length - 1] = h;
        }
        ShapeRules.assign(a, out, 0, Shape.of(o), "output");
        return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
    }

    // ------------------------------------------------------------------ Activation

    private static final List<Param> ACT_PARAMS = List.of(
            Param.enumParam("act_type", "relu", "sigmoid", "tanh", "softrelu", "softsign").required().doc("Activation function to be applied."));

    private static void activation(OpRegistry r) {
        params(op("Activation"), ACT_PARAMS).alias("_npx_activation")
                .doc("Applies an activation function element-wise: relu max(x, 0), sigmoid 1/(1+exp(-x)), tanh, "
                        + "softrelu log(1+exp(x)) (softplus), softsign x/(1+|x|).")
                .inferShape(ShapeRules.SAME)
                .inferType(FLOAT_SAME)
                .inplace(0, 0)
                .gradient(g -> {
                    // as MXNet: relu's gradient needs only the output, so the forward may run in place
                    boolean relu = g.attrs().getString("act_type").equals("relu");
                    NodeEntry d = relu ? g.op("_backward_Activation", g.attrs().givenAsStrings(), g.outGrad(0), g.output(0))
                            : g.op("_backward_Activation", g.attrs().givenAsStrings(), g.outGrad(0), g.output(0), g.input(0));
                    return List.of(d);
                })
                .register(r);

        backward("_backward_Activation", "Activation", ACT_PARAMS)
                .inputs(a -> a.getString("act_type").equals("relu") ? List.of("ograd", "output") : List.of("ograd", "output", "data"))
                .inferShape(ShapeRules.SAME)
                .inferType(FLOAT_SAME)
                .inplace(0, 0)
                .gradient(g -> activationBackwardGradient(g.attrs().getString("act_type")).apply(g))
                .register(r);
    }

    /**
     * Gradient of _backward_Activation (create_graph): that of the unary backward op of the same
     * function (derivatives from the output; softsign's from the data, input 2); softrelu's
     * derivative 1 - exp(-y) has the second derivative exp(-y).
     */
    private static Gradient activationBackwardGradient(String act) {
        return switch (act) {
            case "softrelu" -> SecondOrder.ofElementwiseBackward("_backward_Activation", new Factor(1, (e, y) -> e.fn("exp", e.scale(y, -1))));
            case "softsign" -> SecondOrder.ofElementwiseBackward("_backward_Activation", new Factor(2, ElementwiseUnaryOps.secondDerivative(act)));
            default -> SecondOrder.ofElementwiseBackward("_backward_Activation", new Factor(1, ElementwiseUnaryOps.secondDerivative(act)));
        };
    }

    // ------------------------------------------------------------------ LeakyReLU

    private static final List<Param> LEAKY_PARAMS = List.of(
            Param.enumParam("act_type", "rrelu", "leaky", "prelu", "elu", "selu", "gelu").defaultValue("leaky").doc("Activation function to be applied."),
            Param.floatParam("slope").defaultValue(0.25).doc("Init slope for the activation (leaky and elu only)."),
            Param.floatParam("lower_bound").defaultValue(0.125).doc("Lower bound of the random slope (rrelu only)."),
            Param.floatParam("upper_bound").defaultValue(0.334).doc("Upper bound of the random slope (rrelu only)."));

    private static boolean isPrelu(Attrs a) { return a.getString("act_type").equals("prelu"); }

    private static boolean isRrelu(Attrs a) { return a.getString("act_type").equals("rrelu"); }

    private static void leakyRelu(OpRegistry r) {
        params(op("LeakyReLU"), LEAKY_PARAMS).alias("_npx_leaky_relu")
                .doc("Leaky rectified linear unit and relatives, element-wise: leaky y = x > 0 ? x : slope*x; "
                        + "prelu as leaky with a learnt slope `gamma` (shape (channels,) on axis 1, or (1,)); "
                        + "rrelu as leaky with a slope drawn uniformly from [lower_bound, upper_bound) per element in training "
                        + "and (lower_bound+upper_bound)/2 at inference, returned as a second output `mask`; "
                        + "elu y = x > 0 ? x : slope*(exp(x)-1); selu y = lambda*(x > 0 ? x : alpha*(exp(x)-1)) with "
                        + "lambda=1.0507009873554805, alpha=1.6732632423543772; gelu y = 0.5*x*(1+erf(x/sqrt(2))). "
                        + "selu's gradient is its derivative, y + lambda*alpha for x <= 0 (MXNet 1.9 computes lambda*(alpha + y) there, "
                        + "which is not the derivative).")
                .inputs(a -> isPrelu(a) ? List.of("data", "gamma") : List.of("data"))
                .outputs(a -> isRrelu(a) ? List.of("output", "mask") : List.of("output"))
                .inferShape(NeuralNetworkOps::leakyShape)
                .inferType(FLOAT_SAME)
                .inplace(0, 0)
                .resources(a -> isRrelu(a) ? Set.of(Resource.RANDOM) : Set.of())
                .trainingDependent()
                .gradient(g -> {
                    Attrs a = g.attrs();
                    List<NodeEntry> ins = new ArrayList<>();
                    ins.add(g.outGrad(0));
                    ins.add(g.input(0));
                    if (isPrelu(a)) ins.add(g.input(1));
                    ins.add(g.output(0));
                    if (isRrelu(a)) ins.add(g.output(1));
                    Node b = backwardNode(g, "_backward_LeakyReLU", ins.toArray(NodeEntry[]::new));
                    return outputsOf(b, g.numInputs());
                })
                .register(r);

        backward("_backward_LeakyReLU", "LeakyReLU", LEAKY_PARAMS)
                .inputs(a -> isPrelu(a) ? List.of("ograd", "data", "gamma", "output")
                        : isRrelu(a) ? List.of("ograd", "data", "output", "mask") : List.of("ograd", "data", "output"))
                .outputs(a -> isPrelu(a) ? List.of("data_grad", "gamma_grad") : List.of("data_grad"))
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[1])) return false;
                    ShapeRules.assign(a, out, 0, in[1], "output data_grad");
                    if (out.length > 1 && ShapeRules.known(in[2])) ShapeRules.assign(a, out, 1, in[2], "output gamma_grad");
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .inferType(FLOAT_SAME)
                .gradient(NeuralNetworkOps::leakyBackwardGradient)
                .register(r);
    }

    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** 1 where v <= 0: the derivative of elu's and selu's factor (y > 0 ? 1 : y + c) with respect to y, and of rrelu's (y > 0 ? 1 : k) with respect to k. */
    private static final SecondDerivative AT_OR_BELOW_ZERO = (e, v) -> e.withScalar("_lesser_equal_scalar", v, 0);

    /**
     * Gradient of _backward_LeakyReLU (create_graph), ograd times a factor of (data, output[, mask]):
     * leaky's is piecewise constant, elu's and selu's grow by 1 per unit of output below zero,
     * gelu's (from data) has the derivative phi(x) (2 - x^2); prelu has its own.
     */
    private static List<NodeEntry> leakyBackwardGradient(GradContext g) {
        String bw = "_backward_LeakyReLU";
        Gradient d = switch (g.attrs().getString("act_type")) {
            case "leaky" -> SecondOrder.ofElementwiseBackward(bw);
            case "elu", "selu" -> SecondOrder.ofElementwiseBackward(bw, new Factor(2, AT_OR_BELOW_ZERO));
            case "gelu" -> SecondOrder.ofElementwiseBackward(bw, new Factor(1, (e, x) -> e.scale(
                    e.mul(e.fn("exp", e.scale(e.fn("square", x), -0.5)), e.rminus(e.fn("square", x), 2)), INV_SQRT_2PI)));
            case "rrelu" -> SecondOrder.ofElementwiseBackward(bw, new Factor(3, (e, k) -> AT_OR_BELOW_ZERO.of(e, e.g().input(2))));
            default -> NeuralNetworkOps::preluBackwardGradient;
        };
        return d.apply(g);
    }

    /**
     * prelu's backward (og, x, gamma, y) -> (og * (x > 0 ? 1 : gamma), sum of og * min(x, 0) over
     * gamma's broadcast axes) under heads (h0, h1). The backward op itself lays gamma-shaped arrays
     * out like x (where data <= 0 it multiplies ograd by gamma) and sums x-shaped ones back (its
     * gamma gradient, fed data = -1), so no shapes are needed here.
     */
    private static List<NodeEntry> preluBackwardGradient(GradContext g) {
        String bw = "_backward_LeakyReLU";
        var p = g.attrs().givenAsStrings();
        NodeEntry og = g.input(0), x = g.input(1), gamma = g.input(2), y = g.input(3), h0 = g.outGrad(0), h1 = g.outGrad(1);
        NodeEntry minusOnes = g.op("negative", g.op("ones_like", x));
        NodeEntry h1x = g.node(bw, p, g.op("ones_like", og), minusOnes, h1, y).output(0);
        NodeEntry below = AT_OR_BELOW_ZERO.of(new SecondOrder.Expr(g), x);
        NodeEntry dOg = g.op("elemwise_add", g.node(bw, p, h0, x, gamma, y).output(0),
                g.op("elemwise_mul", h1x, g.op("_minimum_scalar", Map.of("scalar", 0), x)));
        NodeEntry dx = g.op("elemwise_mul", g.op("elemwise_mul", og, h1x), below);
        NodeEntry dGamma = g.op("negative", g.node(bw, p, g.op("elemwise_mul", g.op("elemwise_mul", h0, og), below), minusOnes, gamma, y).output(1));
        return List.of(dOg, dx, dGamma, g.zerosLike(y));
    }

    /** MXNet's LeakyReLUShape; prelu's gamma defaults to (channels,) and must align with axis 1 (or be (1,)). */
    private static boolean leakyShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) {
            if (ShapeRules.known(out[0])) ShapeRules.assign(a, in, 0, out[0], "input data");
            d = NnSupport.known(in[0]);
            if (d == null) return false;
        }
        if (isPrelu(a)) {
            if (d.ndim() == 0) throw ShapeRules.error(a, "prelu needs data with at least one dimension, got a scalar");
            if (in[1] == null || !in[1].isRankKnown()) in[1] = Shape.of(d.ndim() > 1 ? d.dim(1) : 1);
            if (ShapeRules.known(in[1])) preluGammaAxis(a, d, in[1]);
        }
        for (int i = 0; i < out.length; i++) ShapeRules.assign(a, out, i, d, "output " + i);
        return ShapeRules.allKnown(in);
    }

    /**
     * Where gamma's single axis lies in data (MXNet's expand_shape): -1 when gamma has one
     * element (a shared slope), else 1 or 0; gamma must match data's dimension there.
     */
    public static int preluGammaAxis(Attrs a, Shape data, Shape gamma) {
        if (gamma.ndim() != 1) throw ShapeRules.error(a, "prelu gamma must be one-dimensional, got " + gamma);
        long g = gamma.dim(0);
        if (g == 1) return -1;
        int ax = data.ndim() > 1 ? 1 : 0;
        if (data.dim(ax) != g) {
            throw ShapeRules.error(a, "cannot broadcast gamma to data: gamma " + gamma + " must have one element or data.shape[" + ax + "] = "
                    + data.dim(ax) + " elements, data " + data);
        }
        return ax;
    }

    // ------------------------------------------------------------------ Dropout

    private static final List<Param> DROPOUT_PARAMS = List.of(
            Param.floatParam("p").defaultValue(0.5).min(0).max(1).doc("Fraction of the input that gets dropped out during training time."),
            Param.enumParam("mode", "training", "always").defaultValue("training").doc("Whether to only turn on dropout during training or to also turn on for inference."),
            Param.intTupleParam("axes").defaultValue(new long[0]).doc("Axes for variational dropout: the mask is shared (broadcast) along them."),
            Param.boolParam("cudnn_off").optional().defaultValue(false).doc("Accepted for compatibility; no effect on this device."));

    private static void dropout(OpRegistry r) {
        params(op("Dropout"), DROPOUT_PARAMS).alias("_npx_dropout")
                .doc("Applies dropout: in training (or always, with mode='always') each element is zeroed with probability p "
                        + "and the rest scaled by 1/(1-p), so the expected sum is unchanged; otherwise the input passes through. "
                        + "With `axes` one random draw is shared along those axes (variational dropout). The mask (0 or 1/(1-p), "
                        + "shaped like data with the `axes` dimensions set to 1) is a hidden second output used by the gradient.")
                .outputs("output", "mask")
                .numVisibleOutputs(a -> 1)
                .inferShape(NeuralNetworkOps::dropoutShape)
                .inferType((a, in, out) -> {
                    boolean done = TypeRules.SAME.infer(a, in, out);
                    NnSupport.requireFloat(a, in);
                    return done;
                })
                .inplace(0, 0)
                .resources(a -> a.getDouble("p") == 0 ? Set.of() : Set.of(Resource.RANDOM))
                .trainingDependent()
                .gradient(g -> List.of(g.op("_backward_Dropout", g.attrs().givenAsStrings(), g.outGrad(0), g.output(1))))
                .register(r);

        backward("_backward_Dropout", "Dropout", DROPOUT_PARAMS)
                .inputs("ograd", "mask")
                .inferShape(outputsFromInputs(0))
                .inferType(FLOAT_SAME)
                .inplace(0, 0)
                // ograd * mask: the same op on the head gradient, and head * ograd summed to the mask's shape
                .gradient(g -> List.of(g.op("_backward_Dropout", g.attrs().givenAsStrings(), g.outGrad(0), g.input(1)),
                        g.op("_broadcast_backward", g.op("elemwise_mul", g.outGrad(0), g.input(0)), g.input(1))))
                .register(r);
    }

    /** Mask dimensions on axes are 1. */
    private static boolean dropoutShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) {
            if (ShapeRules.known(out[0])) ShapeRules.assign(a, in, 0, out[0], "input data");
            d = NnSupport.known(in[0]);
            if (d == null) return false;
        }
        ShapeRules.assign(a, out, 0, d, "output");
        long[] m = d.dims();
        for (long ax : a.getLongs("axes")) m[NnSupport.axis(a, "axes entry", Math.toIntExact(ax), m.length)] = 1;
        ShapeRules.assign(a, out, 1, Shape.of(m), "output mask");
        return true;
    }

    // ------------------------------------------------------------------ Embedding

    private static final List<Param> EMBEDDING_PARAMS = List.of(
            Param.longParam("input_dim").required().min(1).doc("Vocabulary size of the input indices."),
            Param.longParam("output_dim").required().min(1).doc("Dimension of the embedding vectors."),
            Param.dtypeParam("dtype").defaultValue(DType.FLOAT32).doc("Data type of weight."),
            Param.boolParam("sparse_grad").defaultValue(false).doc("Accepted for compatibility: the weight gradient is always dense here."));

    private static void embedding(OpRegistry r) {
        params(op("Embedding"), EMBEDDING_PARAMS).alias("_npx_embedding")
                .doc("Maps integer indices to vectors: output[i..., :] = weight[data[i...], :]. data holds indices (any dtype, "
                        + "truncated to integers and clipped to [0, input_dim-1]); weight has shape (input_dim, output_dim); the output "
                        + "has shape data.shape + (output_dim,) and weight's dtype. The weight gradient adds each output row's "
                        + "gradient into the row it was read from; sparse_grad is accepted but the gradient is dense.")
                .inputs("data", "weight")
                .inferShape((a, in, out) -> {
                    ShapeRules.assign(a, in, 1, Shape.of(a.getLong("input_dim"), a.getLong("output_dim")), "input weight");
                    if (in[0] == null || !in[0].isRankKnown()) return false;
                    long[] d = in[0].dims(), o = new long[d.length + 1];
                    System.arraycopy(d, 0, o, 0, d.length);
                    o[d.length] = a.getLong("output_dim");
                    ShapeRules.assign(a, out, 0, Shape.of(o), "output");
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .inferType((a, in, out) -> {
                    DType w = in[1] != null ? in[1] : out[0] != null ? out[0] : a.getDType("dtype");
                    TypeRules.assign(a, in, 1, w, "input weight");
                    TypeRules.assign(a, out, 0, w, "output");
                    if (in[0] == DType.BOOL) throw new TypeException("Operator Embedding: indices of dtype bool are not supported");
                    return in[0] != null;
                })
                .gradient(g -> {
                    Node b = backwardNode(g, "_backward_Embedding", g.outGrad(0), g.input(0));
                    return perInput(null, b.output(1));
                })
                .register(r);

        backward("_backward_Embedding", "Embedding", EMBEDDING_PARAMS)
                .inputs("ograd", "data")
                .outputs("data_grad", "weight_grad")
                .inferShape((a, in, out) -> {
                    if (ShapeRules.known(in[1])) ShapeRules.assign(a, out, 0, in[1], "output data_grad");
                    ShapeRules.assign(a, out, 1, Shape.of(a.getLong("input_dim"), a.getLong("output_dim")), "output weight_grad");
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .inferType((a, in, out) -> {
                    if (in[0] == null) return false;
                    if (in[1] != null) TypeRules.assign(a, out, 0, in[1], "output data_grad");
                    TypeRules.assign(a, out, 1, in[0], "output weight_grad");
                    return in[1] != null;
                })
                // linear in ograd: its transpose looks the weight gradient's head up, as the forward op does
                .gradient(SecondOrder.ofLinearBackward(g -> g.op("Embedding", g.attrs().givenAsStrings(), g.input(1), g.outGrad(1)), 1))
                .register(r);
    }

    // ------------------------------------------------------------------ BlockGrad

    private static void blockGrad(OpRegistry r) {
        op("BlockGrad").alias("stop_gradient")
                .doc("Returns its input unchanged and stops gradients: the gradient with respect to the input is zero.")
                .inferShape(ShapeRules.SAME)
                .inferType(TypeRules.SAME)
                .inplace(0, 0)
                .zeroGradient()
                .register(r);
    }
}
