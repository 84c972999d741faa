package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Resource;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeException;
import dev.mxj.op.TypeFn;
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Convolution-family operators (MXNet 1.9 src/operator/nn/convolution.cc, deconvolution.cc,
 * pooling.cc, upsampling.cc, bilinear_sampler.cc, grid_generator.cc, roi_pooling.cc).
 * Layouts are channel-first (NCW, NCHW, NCDHW) except Pooling, which also pools channel-last
 * data as MXNet's CPU pooling does. Kernels accept float32 and float64.
 *
 * <p>Heavy backward passes are operators of their own ({@code _backward_Convolution} computes the
 * data, weight and bias gradients in one node), as in MXNet: the backward node takes the output
 * gradient followed by the forward inputs, which also donate their shapes.
 *
 * <p>Deviations from MXNet 1.9, on purpose: float16 is rejected with a TypeException (MXNet's CPU
 * kernels take it); 3-D Deconvolution accepts dilation (MXNet refuses it); Pooling has one output
 * and {@code _backward_Pooling} three inputs, as in MXNet builds without MKL-DNN (those with it add
 * a hidden workspace output); stride/pad tuples of the wrong length and bilinear UpSampling with
 * num_filter different from the channel count fail with a message (MXNet reads past the tuple or
 * produces garbage); Convolution also infers data's channel count from a known weight; workspace
 * and the cudnn_* parameters are accepted and ignored.
 */
public final class ConvolutionOps {
    private ConvolutionOps() {}

    private static final String FAMILY = "convolution";

    private static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    public static void register(OpRegistry r) {
        convolution(r);
        deconvolution(r);
        pooling(r);
        SamplingOps.register(r);
    }

    // ------------------------------------------------------------------ shared pieces

    /** Float32/float64 only: the kernels compute in those (MXNet's CPU kernels also take float16). */
    static final TypeFn FLOAT_SAME = (a, in, out) -> {
        boolean known = TypeRules.SAME.infer(a, in, out);
        for (DType t : in) checkFloat(a, t);
        return known;
    };

    static void checkFloat(Attrs a, DType t) {
        if (t != null && t != DType.FLOAT32 && t != DType.FLOAT64) {
            throw new TypeException("Operator " + a.op().name() + ": dtype " + t + " is not supported; expected float32 or float64");
        }
    }

    private static OpDef.Builder convLikeParams(OpDef.Builder b, boolean deconv) {
        b.param(Param.intTupleParam("kernel").required().min(1).doc(deconv
                        ? "Deconvolution kernel size: (w,), (h, w) or (d, h, w). This is same as the kernel size used for the corresponding convolution"
                        : "Convolution kernel size: (w,), (h, w) or (d, h, w)"))
                .param(Param.intTupleParam("stride").defaultValue(new long[0]).min(1).doc(deconv
                        ? "The stride used for the corresponding convolution: (w,), (h, w) or (d, h, w). Defaults to 1 for each dimension."
                        : "Convolution stride: (w,), (h, w) or (d, h, w). Defaults to 1 for each dimension."))
                .param(Param.intTupleParam("dilate").defaultValue(new long[0]).min(1).doc(deconv
                        ? "Dilation factor for each dimension of the input: (w,), (h, w) or (d, h, w). Defaults to 1 for each dimension."
                        : "Convolution dilate: (w,), (h, w) or (d, h, w). Defaults to 1 for each dimension."))
                .param(Param.intTupleParam("pad").defaultValue(new long[0]).min(0).doc(deconv
                        ? "The amount of implicit zero padding added during convolution for each dimension of the input: (w,), (h, w) or "
                                + "(d, h, w). ``(kernel-1)/2`` is usually a good choice. If `target_shape` is set, `pad` will be ignored and a "
                                + "padding that will generate the target shape will be used. Defaults to no padding."
                        : "Zero pad for convolution: (w,), (h, w) or (d, h, w). Defaults to no padding."));
        if (deconv) {
            b.param(Param.intTupleParam("adj").defaultValue(new long[0]).min(0).doc("Adjustment for output shape: (w,), (h, w) or (d, h, w). "
                            + "If `target_shape` is set, `adj` will be ignored and computed accordingly."))
                    .param(Param.intTupleParam("target_shape").defaultValue(new long[0]).min(0).doc("Shape of the output tensor: (w,), (h, w) or (d, h, w)."));
        }
        return b.param(Param.intParam("num_filter").required().min(1).doc(deconv ? "Number of output filters." : "Convolution filter(channel) number"))
                .param(Param.intParam("num_group").defaultValue(1).min(1).doc(deconv ? "Number of groups partition." : "Number of group partitions."))
                .param(Param.longParam("workspace").defaultValue(deconv ? 512 : 1024).min(0)
                        .doc("Maximum temporary workspace allowed (MB). Accepted for compatibility; mxj sizes its own scratch space."))
                .param(Param.boolParam("no_bias").defaultValue(deconv).doc("Whether to disable bias parameter."))
                .param(Param.enumParam("cudnn_tune", "off", "limited_workspace", "fastest").optional()
                        .doc("Whether to pick convolution algo by running performance test (cuDNN only; ignored on CPU)."))
                .param(Param.boolParam("cudnn_off").defaultValue(false).doc("Turn off cudnn for this layer (ignored on CPU)."))
                .param(Param.enumParam("layout", "NCW", "NCHW", "NCDHW", "NHWC", "NDHWC").optional()
                        .doc("Set layout for input, output and weight. Empty for default layout: NCW for 1d, NCHW for 2d and NCDHW for 3d. "
                                + "NHWC and NDHWC are only supported on GPU (rejected here)."))
                .inputs(a -> a.getBool("no_bias") ? List.of("data", "weight") : List.of("data", "weight", "bias"))
                .inferType(FLOAT_SAME)
                .resources(Resource.TEMP_SPACE);
    }

    /** The gradient node {@code _backward_X(out_grad, data, weight[, bias])} with the forward's attributes. */
    private static Gradient convLikeGradient(String backward) {
        return g -> {
            NodeEntry[] ins = new NodeEntry[g.numInputs() + 1];
            ins[0] = g.outGrad(0);
            for (int i = 0; i < g.numInputs(); i++) ins[i + 1] = g.input(i);
            Node b = g.node(backward, g.attrs().givenAsStrings(), ins);
            List<NodeEntry> res = new ArrayList<>();
            for (int i = 0; i < g.numInputs(); i++) res.add(b.output(i));
            return res;
        };
    }

    /** A backward operator of Convolution/Deconvolution: outputs shaped like the forward inputs. */
    private static void convLikeBackward(OpRegistry r, String forward, boolean deconv) {
        convLikeParams(op("_backward_" + forward), deconv)
                .doc("Gradient of " + forward + ": from out_grad and the forward inputs, the gradients of data, weight and (unless no_bias) bias.")
                .inputs(a -> a.getBool("no_bias") ? List.of("out_grad", "data", "weight") : List.of("out_grad", "data", "weight", "bias"))
                .outputs(a -> a.getBool("no_bias") ? List.of("data_grad", "weight_grad") : List.of("data_grad", "weight_grad", "bias_grad"))
                .inferShape((a, in, out) -> {
                    for (int i = 0; i < out.length; i++) {
                        ShapeRules.assign(a, out, i, in[i + 1], "output " + i);
                        ShapeRules.assign(a, in, i + 1, out[i], "input " + (i + 1));
                    }
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .backwardOf(forward)
                .gradient(SecondOrder.ofBilinearBackward(forward, "_backward_" + forward))
                .register(r);
    }

    // ------------------------------------------------------------------ Convolution

    private static void convolution(OpRegistry r) {
        convLikeParams(op("Convolution").alias("_npx_convolution"), false)
                .doc("Compute *N*-D convolution on *(N+2)*-D input. In the 2-D convolution, given input data with shape "
                        + "*(batch_size, channel, height, width)*, the output is computed by "
                        + "out[n,i,:,:] = bias[i] + sum_j data[n,j,:,:] \\star weight[i,j,:,:], where \\star is the 2-D cross-correlation. "
                        + "Shapes: data (batch_size, channel, height, width), weight (num_filter, channel/num_group, kernel[0], kernel[1]), "
                        + "bias (num_filter,), out (batch_size, num_filter, out_height, out_width), with "
                        + "f(x,k,p,s,d) = floor((x+2*p-d*(k-1)-1)/s)+1, out_height = f(height, kernel[0], pad[0], stride[0], dilate[0]) and "
                        + "out_width likewise. With num_group g > 1 the channels of data and the filters are split into g groups, group i of the "
                        + "output convolving group i of the data with group i of the weight. 1-D convolution has only a width, 3-D adds a depth "
                        + "before the height. Example: data (1, 1, 3, 3) of ones, weight (1, 1, 2, 2) of ones, no_bias gives (1, 1, 2, 2) of 4s.")
                .inferShape(ConvolutionOps::convolutionShape)
                .gradient(convLikeGradient("_backward_Convolution"))
                .register(r);
        convLikeBackward(r, "Convolution", false);
    }

    /**
     * MXNet's ConvolutionShape, both ways: weight (num_filter, C/num_group, *kernel) and bias
     * (num_filter,) from data; output from data; the batch size and, where the stride is 1, the
     * spatial sizes of data back from a known output; data's channels from a known weight.
     */
    static boolean convolutionShape(Attrs a, Shape[] in, Shape[] out) {
        ConvParams p = ConvParams.of(a);
        int rank = p.nd + 2;
        long[] d = dataDims(a, p, in);
        if (d == null) return false;
        if (d[1] == Shape.UNKNOWN_DIM && in[1] != null && in[1].isRankKnown() && in[1].ndim() == rank && in[1].dim(1) != Shape.UNKNOWN_DIM) {
            d[1] = in[1].dim(1) * p.numGroup;
        }
        checkGroups(a, p, d[1]);
        long[] w = new long[rank];
        w[0] = p.numFilter;
        w[1] = d[1] == Shape.UNKNOWN_DIM ? Shape.UNKNOWN_DIM : d[1] / p.numGroup;
        for (int i = 0; i < p.nd; i++) w[2 + i] = p.kernel[i];
        ShapeRules.assign(a, in, 1, Shape.of(w), "input weight");
        long[] o = new long[rank];
        o[0] = d[0];
        o[1] = p.numFilter;
        for (int i = 0; i < p.nd; i++) o[2 + i] = p.convOut(i, d[2 + i]);
        ShapeRules.assign(a, out, 0, Shape.of(o), "output");
        long[] oo = out[0].dims();
        d[0] = oo[0];
        for (int i = 0; i < p.nd; i++) {
            if (oo[2 + i] != Shape.UNKNOWN_DIM && p.stride[i] == 1) d[2 + i] = oo[2 + i] + p.dilatedKernel(i) - 1 - 2 * p.pad[i];
        }
        ShapeRules.assign(a, in, 0, Shape.of(d), "input data");
        for (int i = 0; i < p.nd; i++) p.convOut(i, in[0].dim(2 + i)); // kernel-exceeds-input check on back-filled sizes
        return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
    }

    /**
     * The part Convolution and Deconvolution share: bias (num_filter,), then data's dimensions once
     * its rank is known and matches the kernel; null while the rank is unknown.
     */
    private static long[] dataDims(Attrs a, ConvParams p, Shape[] in) {
        int rank = p.nd + 2;
        if (!p.noBias) ShapeRules.assign(a, in, 2, Shape.of(p.numFilter), "input bias");
        Shape data = in[0];
        if (data == null || !data.isRankKnown()) return null;
        if (data.ndim() != rank) {
            throw new ShapeException("Operator " + a.op().name() + ": input data should be " + rank + "D in " + axesName(p.nd) + " for the "
                    + p.nd + "-D kernel " + Param.format(p.kernel) + ", got shape " + data);
        }
        return data.dims();
    }

    /** Channels and filters must split evenly into num_group groups. */
    private static void checkGroups(Attrs a, ConvParams p, long channels) {
        if (channels != Shape.UNKNOWN_DIM && channels % p.numGroup != 0) {
            throw new ShapeException("Operator " + a.op().name() + ": input channels " + channels + " must be divisible by num_group " + p.numGroup);
        }
        if (p.numFilter % p.numGroup != 0) {
            throw new ShapeException("Operator " + a.op().name() + ": num_filter " + p.numFilter + " must be divisible by num_group " + p.numGroup);
        }
    }

    private static String axesName(int nd) {
        return nd == 1 ? "(batch, channel, x)" : nd == 2 ? "(batch, channel, y, x)" : "(batch, channel, d, y, x)";
    }

    // ------------------------------------------------------------------ Deconvolution

    private static void deconvolution(OpRegistry r) {
        convLikeParams(op("Deconvolution").alias("_npx_deconvolution"), true)
                .doc("Computes 1D, 2D or 3D transposed convolution (aka fractionally strided convolution) of the input tensor. This operation "
                        + "can be seen as the gradient of Convolution operation with respect to its input. Convolution usually reduces the size "
                        + "of the input. Transposed convolution works the other way, going from a smaller input to a larger output while "
                        + "preserving the connectivity pattern. Shapes: data (batch, channel, *spatial), weight (channel, num_filter/num_group, "
                        + "*kernel), bias (num_filter,), out (batch, num_filter, *out) with out = stride*(x-1) + dilate*(kernel-1) + 1 - 2*pad + adj. "
                        + "Note that no_bias defaults to True, as in MXNet.")
                .inferShape(ConvolutionOps::deconvolutionShape)
                .gradient(convLikeGradient("_backward_Deconvolution"))
                .register(r);
        convLikeBackward(r, "Deconvolution", true);
    }

    /** MXNet's DeconvolutionShape: weight (C, num_filter/num_group, *kernel), bias (num_filter,), output from data. */
    static boolean deconvolutionShape(Attrs a, Shape[] in, Shape[] out) {
        ConvParams p = ConvParams.of(a);
        int rank = p.nd + 2;
        long[] d = dataDims(a, p, in);
        if (d == null) return false;
        if (d[1] == Shape.UNKNOWN_DIM && in[1] != null && in[1].isRankKnown() && in[1].ndim() == rank) d[1] = in[1].dim(0);
        checkGroups(a, p, d[1]);
        ShapeRules.assign(a, in, 0, Shape.of(d), "input data");
        long[] w = new long[rank];
        w[0] = d[1];
        w[1] = p.numFilter / p.numGroup;
        for (int i = 0; i < p.nd; i++) w[2 + i] = p.kernel[i];
        ShapeRules.assign(a, in, 1, Shape.of(w), "input weight");
        long[] spatial = new long[p.nd];
        for (int i = 0; i < p.nd; i++) spatial[i] = d[2 + i];
        long[][] padAdj = p.deconvPadAdj(spatial);
        long[] o = new long[rank];
        o[0] = d[0];
        o[1] = p.numFilter;
        for (int i = 0; i < p.nd; i++) o[2 + i] = p.deconvOut(i, d[2 + i], padAdj);
        ShapeRules.assign(a, out, 0, Shape.of(o), "output");
        if (d[0] == Shape.UNKNOWN_DIM && out[0].dim(0) != Shape.UNKNOWN_DIM) ShapeRules.assign(a, in, 0, in[0].withDim(0, out[0].dim(0)), "input data");
        return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
    }

    // ------------------------------------------------------------------ Pooling

    private static OpDef.Builder poolingParams(OpDef.Builder b) {
        return b.param(Param.intTupleParam("kernel").defaultValue(new long[0]).min(1).doc("Pooling kernel size: (y, x) or (d, y, x)"))
                .param(Param.enumParam("pool_type", "max", "avg", "sum", "lp").defaultValue("max").doc("Pooling type to be applied."))
                .param(Param.boolParam("global_pool").defaultValue(false)
                        .doc("Ignore kernel size, do global pooling based on current input feature map. "))
                .param(Param.boolParam("cudnn_off").defaultValue(false).doc("Turn off cudnn pooling and use MXNet pooling operator (ignored on CPU). "))
                .param(Param.enumParam("pooling_convention", "full", "valid", "same").defaultValue("valid")
                        .doc("Pooling convention to be applied: valid floor((x+2p-k)/s)+1, full ceil((x+2p-k)/s)+1, same ceil((x+2p)/s) (1-D only)."))
                .param(Param.intTupleParam("stride").defaultValue(new long[0]).min(1).doc("Stride: for pooling (y, x) or (d, y, x). Defaults to 1 for each dimension."))
                .param(Param.intTupleParam("pad").defaultValue(new long[0]).min(0).doc("Pad for pooling: (y, x) or (d, y, x). Defaults to no padding."))
                .param(Param.intParam("p_value").optional().doc("Value of p for Lp pooling, can be 1, 2 or 3, required for Lp Pooling."))
                .param(Param.boolParam("count_include_pad").optional()
                        .doc("Only used for AvgPool, specify whether to count padding elements for average calculation. For example, with a 5*5 "
                                + "kernel on a 3*3 corner of a image, the sum of the 9 valid elements will be divided by 25 if this is set to true, "
                                + "or it will be divided by 9 if this is set to false. Defaults to true."))
                .param(Param.enumParam("layout", "NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC").optional()
                        .doc("Set layout for input and output. Empty for default layout: NCW for 1d, NCHW for 2d and NCDHW for 3d."))
                .inferType(FLOAT_SAME)
                .resources(Resource.TEMP_SPACE); // oneDNN's scratchpad and max-pooling workspace
    }

    private static void pooling(OpRegistry r) {
        poolingParams(op("Pooling").alias("_npx_pooling"))
                .doc("Performs pooling on the input. Data and output are (batch, channel, *spatial) (NCW, NCHW, NCDHW) or channel-last "
                        + "(NWC, NHWC, NDHWC) with 1, 2 or 3 spatial dimensions; out = f(x, kernel, pad, stride) per spatial axis, where f depends "
                        + "on pooling_convention: valid (default) floor((x+2*p-k)/s)+1, full (Caffe) ceil((x+2*p-k)/s)+1, same ceil((x+2*p)/s) "
                        + "(1-D only, no pad). global_pool pools each whole feature map (kernel = input size, pad 0). pool_type max takes the "
                        + "largest element of each window (padding never wins), avg the mean (dividing by the window size clipped to the padded "
                        + "input, or by the valid elements when count_include_pad=False), sum the sum, lp the p-norm (sum x^p)^(1/p) for p_value "
                        + "1, 2 or 3. Example: max pooling of [[1, 2], [3, 4]] (1x1x2x2) with kernel (2, 2) gives [[4]].")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0])) return false;
                    ShapeRules.assign(a, out, 0, PoolParams.of(a, in[0]).outShape, "output");
                    return true;
                })
                .gradient(g -> List.of(g.op("_backward_Pooling", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0), g.output(0))))
                .register(r);

        poolingParams(op("_backward_Pooling"))
                .doc("Gradient of Pooling from out_grad, the forward data and the forward output: max routes each output gradient to the "
                        + "first maximal element of its window, avg/sum/lp spread it over the window.")
                .inputs("out_grad", "data", "output")
                .outputs("data_grad")
                .inferShape((a, in, out) -> {
                    ShapeRules.assign(a, out, 0, in[1], "output");
                    ShapeRules.assign(a, in, 1, out[0], "input data");
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .backwardOf("Pooling")
                .gradient(ConvolutionOps::poolingBackwardGradient)
                .register(r);
    }

    /**
     * Gradient of _backward_Pooling (create_graph). avg and sum pooling are linear, their backward
     * the transpose: Pooling of the head gradient. Max pooling whose windows do not overlap
     * (stride >= kernel, or global) routes each window to one element, marked by the backward at
     * out_grad = 1: sum pooling of the head gradient times that mask. Overlapping max pooling and
     * lp pooling are not implemented.
     */
    private static List<NodeEntry> poolingBackwardGradient(GradContext g) {
        Attrs a = g.attrs();
        var p = a.givenAsStrings();
        NodeEntry h = g.outGrad(0), og = g.input(0), data = g.input(1), out = g.input(2);
        NodeEntry dOg = switch (a.getString("pool_type")) {
            case "avg", "sum" -> g.op("Pooling", p, h);
            case "max" -> {
                if (!a.getBool("global_pool") && !disjointWindows(a)) {
                    throw new UnsupportedOperationException("the second-order gradient of max pooling with overlapping windows (stride < kernel) is not implemented");
                }
                Map<String, String> sum = new HashMap<>(p);
                sum.put("pool_type", "sum");
                NodeEntry mask = g.op("_backward_Pooling", p, g.op("ones_like", og), data, out);
                yield g.op("Pooling", sum, g.op("elemwise_mul", h, mask));
            }
            default -> throw new UnsupportedOperationException("the second-order gradient of lp pooling is not implemented");
        };
        return List.of(dOg, g.zerosLike(data), g.zerosLike(out));
    }

    /** Whether no stride is smaller than its kernel size (an unset stride is 1). */
    private static boolean disjointWindows(Attrs a) {
        long[] k = a.getLongs("kernel"), s = a.getLongs("stride");
        for (int i = 0; i < k.length; i++) if ((i < s.length ? s[i] : 1) < k[i]) return false;
        return true;
    }
}
