package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.Node;

import java.util.List;

import static dev.mxj.op.defs.NnSupport.FLOAT_SAME;
import static dev.mxj.op.defs.NnSupport.backward;
import static dev.mxj.op.defs.NnSupport.backwardNode;
import static dev.mxj.op.defs.NnSupport.op;
import static dev.mxj.op.defs.NnSupport.params;
import static dev.mxj.op.defs.NnSupport.perInput;

/**
 * Normalisation operators (MXNet 1.9 batch_norm.cc, layer_norm.cc, group_norm.cc,
 * instance_norm.cc, l2_normalization.cc). Each keeps its statistics as hidden outputs that its
 * {@code _backward_X} reads, as MXNet does.
 */
public final class NnNormOps {
    private NnNormOps() {}

    static void register(OpRegistry r) {
        batchNorm(r);
        layerNorm(r);
        instanceNorm(r);
        groupNorm(r);
        l2Normalization(r);
    }

    // ------------------------------------------------------------------ BatchNorm

    private static final List<Param> BN_PARAMS = List.of(
            Param.floatParam("eps").defaultValue(1e-3).doc("Epsilon added to the variance to prevent division by zero."),
            Param.floatParam("momentum").defaultValue(0.9).doc("Momentum of the moving averages."),
            Param.boolParam("fix_gamma").defaultValue(true).doc("Fix gamma at 1 while training (its gradient is zero)."),
            Param.boolParam("use_global_stats").defaultValue(false).doc("Use the moving statistics instead of the batch's, also in training."),
            Param.boolParam("output_mean_var").defaultValue(false).doc("Also output the mean and the inverse standard deviation."),
            Param.intParam("axis").defaultValue(1).doc("The channel axis."),
            Param.boolParam("cudnn_off").defaultValue(false).doc("Accepted for compatibility; no effect on this device."),
            Param.floatParam("min_calib_range").optional().doc("Quantisation calibration minimum; accepted and ignored."),
            Param.floatParam("max_calib_range").optional().doc("Quantisation calibration maximum; accepted and ignored."));

    /** Whether a BatchNorm call normalises with the batch's statistics (and updates the moving ones). */
    public static boolean batchStats(Attrs a, boolean train) { return train && !a.getBool("use_global_stats"); }

    private static void batchNorm(OpRegistry r) {
        params(op("BatchNorm"), BN_PARAMS).alias("_npx_batch_norm")
                .doc("Batch normalisation over every axis but `axis`: out = (x - mean) / sqrt(var + eps) * gamma + beta per channel. "
                        + "In training (unless use_global_stats) mean and var are the batch's (biased variance) and the moving "
                        + "averages are updated in place: moving = moving * momentum + batch * (1 - momentum); otherwise the "
                        + "moving statistics are used. fix_gamma=True treats gamma as 1 (its gradient is zero). Hidden outputs "
                        + "`mean` and `var` hold the mean and the inverse standard deviation 1/sqrt(var + eps) used, shown with "
                        + "output_mean_var=True. gamma, beta and the moving statistics have shape (channels,) and are float32 "
                        + "for float16 data.")
                .inputs("data", "gamma", "beta", "moving_mean", "moving_var")
                .outputs("output", "mean", "var")
                .numVisibleOutputs(a -> a.getBool("output_mean_var") ? 3 : 1)
                .inferShape(NnNormOps::batchNormShape)
                .inferType(NnNormOps::batchNormType)
                .mutateInputs(3, 4)
                .trainingDependent()
                .gradient(g -> {
                    Node b = backwardNode(g, "_backward_BatchNorm", g.outGrad(0), g.input(0), g.input(1), g.output(1), g.output(2));
                    return perInput(b.output(0), b.output(1), b.output(2), null, null);
                })
                .register(r);

        backward("_backward_BatchNorm", "BatchNorm", BN_PARAMS)
                .doc("Gradient of BatchNorm with respect to data, gamma and beta, from the saved mean and inverse standard "
                        + "deviation; the data gradient depends on whether the forward pass used batch statistics.")
                .inputs("ograd", "data", "gamma", "mean", "invstd")
                .outputs("data_grad", "gamma_grad", "beta_grad")
                .inferShape(NnSupport.outputsFromInputs(1, 2, 2))
                .inferType((a, in, out) -> {
                    DType t = in[1] != null ? in[1] : in[0];
                    if (t == null || in[2] == null) return false;
                    TypeRules.assign(a, in, 0, t, "input ograd");
                    TypeRules.assign(a, out, 0, t, "output data_grad");
                    TypeRules.assign(a, out, 1, in[2], "output gamma_grad");
                    TypeRules.assign(a, out, 2, in[2], "output beta_grad");
                    NnSupport.requireFloat(a, in);
                    return TypeRules.allKnown(in);
                })
                .trainingDependent()
                .register(r);
    }

    private static boolean batchNormShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) {
            if (ShapeRules.known(out[0])) ShapeRules.assign(a, in, 0, out[0], "input data");
            d = NnSupport.known(in[0]);
            if (d == null) return false;
        }
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        Shape c = Shape.of(d.dim(NnSupport.axis(a, "axis", a.getInt("axis"), d.ndim())));
        String[] names = {"gamma", "beta", "moving_mean", "moving_var"};
        for (int i = 1; i <= 4; i++) ShapeRules.assign(a, in, i, c, "input " + names[i - 1]);
        ShapeRules.assign(a, out, 0, d, "output");
        ShapeRules.assign(a, out, 1, c, "output mean");
        ShapeRules.assign(a, out, 2, c, "output var");
        return true;
    }

    /** Data and output in one float type; parameters, statistics in float32 for float16 data, else the same type. */
    private static boolean batchNormType(Attrs a, DType[] in, DType[] out) {
        DType t = in[0] != null ? in[0] : out[0];
        if (t == null) return false;
        NnSupport.requireFloat(a, new DType[] {t});
        DType p = t == DType.FLOAT16 ? DType.FLOAT32 : t;
        TypeRules.assign(a, in, 0, t, "input data");
        TypeRules.assign(a, out, 0, t, "output");
        String[] names = {"gamma", "beta", "moving_mean", "moving_var"};
        for (int i = 1; i <= 4; i++) TypeRules.assign(a, in, i, p, "input " + names[i - 1]);
        TypeRules.assign(a, out, 1, p, "output mean");
        TypeRules.assign(a, out, 2, p, "output var");
        return true;
    }

    // ------------------------------------------------------------------ LayerNorm

    private static final List<Param> LN_PARAMS = List.of(
            Param.intParam("axis").defaultValue(-1).doc("The axis to normalise over."),
            Param.floatParam("eps").defaultValue(1e-5).doc("Epsilon added to the variance to prevent division by zero."),
            Param.boolParam("output_mean_var").defaultValue(false).doc("Also output the mean and the standard deviation."));

    private static void layerNorm(OpRegistry r) {
        params(op("LayerNorm"), LN_PARAMS).alias("_npx_layer_norm")
                .doc("Layer normalisation along `axis`: out = (x - mean) / sqrt(var + eps) * gamma + beta, with mean and var over "
                        + "`axis` for every other position; gamma and beta have shape (data.shape[axis],). Hidden outputs `mean` and "
                        + "`std` (data's shape with 1 at `axis`) hold the mean and sqrt(var + eps), shown with output_mean_var=True.")
                .inputs("data", "gamma", "beta")
                .outputs("output", "mean", "std")
                .numVisibleOutputs(a -> a.getBool("output_mean_var") ? 3 : 1)
                .inferShape(NnNormOps::layerNormShape)
                .inferType(FLOAT_SAME)
                .gradient(g -> {
                    Node b = backwardNode(g, "_backward_LayerNorm", g.outGrad(0), g.input(0), g.input(1), g.output(1), g.output(2));
                    return perInput(b.output(0), b.output(1), b.output(2));
                })
                .register(r);

        backward("_backward_LayerNorm", "LayerNorm", LN_PARAMS)
                .inputs("ograd", "data", "gamma", "mean", "std")
                .outputs("data_grad", "gamma_grad", "beta_grad")
                .inferShape(NnSupport.outputsFromInputs(1, 2, 2))
                .inferType(FLOAT_SAME)
                .register(r);
    }

    private static boolean layerNormShape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) return false;
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        int axis = NnSupport.axis(a, "axis", a.getInt("axis"), d.ndim());
        Shape c = Shape.of(d.dim(axis));
        ShapeRules.assign(a, in, 1, c, "input gamma");
        ShapeRules.assign(a, in, 2, c, "input beta");
        ShapeRules.assign(a, out, 0, d, "output");
        ShapeRules.assign(a, out, 1, d.withDim(axis, 1), "output mean");
        ShapeRules.assign(a, out, 2, d.withDim(axis, 1), "output std");
        return true;
    }

    // ------------------------------------------------------------------ InstanceNorm

    private static final List<Param> IN_PARAMS = List.of(
            Param.floatParam("eps").defaultValue(1e-3).doc("Epsilon added to the variance to prevent division by zero."));

    private static void instanceNorm(OpRegistry r) {
        params(op("InstanceNorm"), IN_PARAMS)
                .doc("Instance normalisation of data (batch, channel, spatial...) of at least 3 dimensions: each (instance, "
                        + "channel) slice is normalised over its spatial positions, out = (x - mean) / sqrt(var + eps) * gamma + beta, "
                        + "with gamma and beta of shape (channel,).")
                .inputs("data", "gamma", "beta")
                .outputs("output", "mean", "var")
                .numVisibleOutputs(a -> 1)
                .inferShape(channelParamsShape(false))
                .inferType(FLOAT_SAME)
                .gradient(g -> {
                    Node b = backwardNode(g, "_backward_InstanceNorm", g.outGrad(0), g.input(0), g.input(1), g.output(1), g.output(2));
                    return perInput(b.output(0), b.output(1), b.output(2));
                })
                .register(r);

        backward("_backward_InstanceNorm", "InstanceNorm", IN_PARAMS)
                .inputs("ograd", "data", "gamma", "mean", "var")
                .outputs("data_grad", "gamma_grad", "beta_grad")
                .inferShape(NnSupport.outputsFromInputs(1, 2, 2))
                .inferType(FLOAT_SAME)
                .register(r);
    }

    /**
     * Data of rank >= 3; gamma and beta of shape (channels,) for InstanceNorm or (num_groups,)
     * for GroupNorm (as MXNet 1.9, which scales per group); statistics of shape (batch, channels
     * or groups).
     */
    private static ShapeFn channelParamsShape(boolean groups) {
        return (a, in, out) -> {
            Shape d = NnSupport.known(in[0]);
            if (d == null) return false;
            NnSupport.requireRank(a, d, 3, "data");
            long k = d.dim(1);
            if (groups) {
                long g = a.getInt("num_groups");
                if (d.dim(1) % g != 0) throw ShapeRules.error(a, "the number of channels " + d.dim(1) + " of data " + d + " is not divisible by num_groups " + g);
                k = g;
            }
            ShapeRules.assign(a, in, 1, Shape.of(k), "input gamma");
            ShapeRules.assign(a, in, 2, Shape.of(k), "input beta");
            ShapeRules.assign(a, out, 0, d, "output");
            ShapeRules.assign(a, out, 1, Shape.of(d.dim(0), k), "output 1");
            ShapeRules.assign(a, out, 2, Shape.of(d.dim(0), k), "output 2");
            return true;
        };
    }

    // ------------------------------------------------------------------ GroupNorm

    private static final List<Param> GN_PARAMS = List.of(
            Param.intParam("num_groups").defaultValue(1).min(1).doc("Total number of groups."),
            Param.floatParam("eps").defaultValue(1e-5).doc("Epsilon added to the variance to prevent division by zero."),
            Param.boolParam("output_mean_var").defaultValue(false).doc("Also output the mean and the standard deviation."));

    private static void groupNorm(OpRegistry r) {
        params(op("GroupNorm"), GN_PARAMS)
                .doc("Group normalisation of data (batch, channel, spatial...) of at least 3 dimensions: channels are split into "
                        + "num_groups groups, each (instance, group) is normalised over its channels and positions, then scaled and "
                        + "shifted per group: gamma and beta have shape (num_groups,), as in MXNet 1.9. Hidden outputs `mean` and "
                        + "`std` (shape (batch, num_groups)) hold the mean and sqrt(var + eps), shown with output_mean_var=True.")
                .inputs("data", "gamma", "beta")
                .outputs("output", "mean", "std")
                .numVisibleOutputs(a -> a.getBool("output_mean_var") ? 3 : 1)
                .inferShape(channelParamsShape(true))
                .inferType(FLOAT_SAME)
                .gradient(g -> {
                    Node b = backwardNode(g, "_backward_GroupNorm", g.outGrad(0), g.input(0), g.input(1), g.output(1), g.output(2));
                    return perInput(b.output(0), b.output(1), b.output(2));
                })
                .register(r);

        backward("_backward_GroupNorm", "GroupNorm", GN_PARAMS)
                .inputs("ograd", "data", "gamma", "mean", "std")
                .outputs("data_grad", "gamma_grad", "beta_grad")
                .inferShape(NnSupport.outputsFromInputs(1, 2, 2))
                .inferType(FLOAT_SAME)
                .register(r);
    }

    // ------------------------------------------------------------------ L2Normalization

    private static final List<Param> L2_PARAMS = List.of(
            Param.floatParam("eps").defaultValue(1e-10).doc("Epsilon added to the squared norm to prevent division by zero."),
            Param.enumParam("mode", "instance", "channel", "spatial").defaultValue("instance")
                    .doc("instance: normalise each instance over all its elements; channel: over axis 1 at each position; spatial: over the positions of each channel."));

    private static void l2Normalization(OpRegistry r) {
        params(op("L2Normalization"), L2_PARAMS)
                .doc("L2 normalisation: out = x / sqrt(sum(x^2) + eps), the sum taken per instance (mode='instance'), across "
                        + "channels at each position (mode='channel') or across positions for each channel (mode='spatial'); the "
                        + "last two need data of at least 3 dimensions. The norm is a hidden second output.")
                .outputs("output", "norm")
                .numVisibleOutputs(a -> 1)
                .inferShape(NnNormOps::l2Shape)
                .inferType(FLOAT_SAME)
                .gradient(g -> List.of(g.op("_backward_L2Normalization", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0), g.output(1))))
                .register(r);

        backward("_backward_L2Normalization", "L2Normalization", L2_PARAMS)
                .inputs("ograd", "data", "norm")
                .inferShape(NnSupport.outputsFromInputs(1))
                .inferType(FLOAT_SAME)
                .register(r);
    }

    private static boolean l2Shape(Attrs a, Shape[] in, Shape[] out) {
        Shape d = NnSupport.known(in[0]);
        if (d == null) return false;
        if (d.ndim() == 0) throw ShapeRules.error(a, "data must have at least one dimension, got a scalar");
        Shape norm = switch (a.getString("mode")) {
            case "instance" -> Shape.of(d.dim(0));
            case "channel" -> { NnSupport.requireRank(a, d, 3, "data in mode=channel"); yield d.withDim(1, 1); }
            default -> { NnSupport.requireRank(a, d, 3, "data in mode=spatial"); yield Shape.of(d.dim(0), d.dim(1)); }
        };
        ShapeRules.assign(a, out, 0, d, "output");
        ShapeRules.assign(a, out, 1, norm, "output norm");
        return true;
    }
}
