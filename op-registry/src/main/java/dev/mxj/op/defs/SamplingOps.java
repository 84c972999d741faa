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
import dev.mxj.op.TypeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.mxj.op.defs.ConvolutionOps.FLOAT_SAME;

/**
 * Resampling operators of the convolution family (MXNet 1.9 src/operator/nn/upsampling.cc,
 * bilinear_sampler.cc, grid_generator.cc, roi_pooling.cc). Their backward operators take the
 * output gradient followed by the forward inputs (shape donors), as in {@link ConvolutionOps}.
 *
 * <p>Deviation: MXNet's BilinearSampler and GridGenerator have a hidden second output (cuDNN's
 * "tmp", the affine "grid_dst") that its gradients read; here they have one output and the
 * backward operators recompute what they need. ROIPooling keeps MXNet's hidden int32 "maxidx"
 * output, which its gradient uses.
 */
public final class SamplingOps {
    private SamplingOps() {}

    private static final String FAMILY = "convolution";

    private static OpDef.Builder op(String name) { return OpDef.builder(name).family(FAMILY); }

    static void register(OpRegistry r) {
        upSampling(r);
        bilinearSampler(r);
        gridGenerator(r);
        roiPooling(r);
    }

    /** Gradient {@code _backward_X(out_grad, *inputs)} with one output per forward input. */
    private static Gradient backwardAll(String backward) {
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

    /** A backward operator whose outputs have the shapes of its inputs 1.. (the forward inputs). */
    private static OpDef.Builder backwardOfAll(OpDef.Builder b) {
        return b.inferShape((a, in, out) -> {
            for (int i = 0; i < out.length; i++) {
                ShapeRules.assign(a, out, i, in[i + 1], "output " + i);
                ShapeRules.assign(a, in, i + 1, out[i], "input " + (i + 1));
            }
            return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
        }).inferType(FLOAT_SAME);
    }

    // ------------------------------------------------------------------ UpSampling

    /** Kernel size of bilinear upsampling (the deconvolution MXNet runs underneath). */
    public static int bilinearKernel(int scale) { return 2 * scale - scale % 2; }

    /** Padding of bilinear upsampling's deconvolution: ceil((scale - 1) / 2). */
    public static int bilinearPad(int scale) { return scale / 2; }

    private static OpDef.Builder upSamplingParams(OpDef.Builder b) {
        return b.param(Param.intParam("scale").required().min(1).doc("Up sampling scale"))
                .param(Param.intParam("num_filter").defaultValue(0).doc("Input filter. Only used by bilinear sample_type. Since bilinear "
                        + "upsampling uses deconvolution, num_filters is set to the number of channels."))
                .param(Param.enumParam("sample_type", "nearest", "bilinear").required().doc("upsampling method"))
                .param(Param.enumParam("multi_input_mode", "concat", "sum").defaultValue("concat").doc("How to handle multiple input. concat means "
                        + "concatenate upsampled images along the channel dimension. sum means add all images together, only available for "
                        + "nearest neighbor upsampling."))
                .param(Param.intParam("num_args").required().min(1).doc("Number of inputs to be upsampled. For nearest neighbor upsampling, "
                        + "this can be 1-N; the size of output will be (scale*h_0,scale*w_0) and all other inputs will be upsampled to the "
                        + "same size. For bilinear upsampling this must be 2; 1 input and 1 weight."))
                .param(Param.longParam("workspace").defaultValue(512).min(0).doc("Tmp workspace for deconvolution (MB); accepted and ignored."))
                .resources(a -> a.getString("sample_type").equals("bilinear") ? Set.of(Resource.TEMP_SPACE) : Set.of());
    }

    private static List<String> upSamplingInputs(Attrs a) {
        if (a.getString("sample_type").equals("bilinear")) return List.of("data", "weight");
        List<String> l = new ArrayList<>();
        for (int i = 0; i < a.getInt("num_args"); i++) l.add("arg" + i);
        return l;
    }

    private static void upSampling(OpRegistry r) {
        upSamplingParams(op("UpSampling").variadicInputs("num_args"))
                .doc("Upsamples the given input data (NCHW). nearest: each pixel is repeated scale x scale times; with several inputs each is "
                        + "upsampled to scale times the first input's size and the results are concatenated along channels (or summed, "
                        + "multi_input_mode='sum'). bilinear: a depthwise Deconvolution with the given weight (channel, 1, 2*scale - scale%2, "
                        + "same), stride scale and pad ceil((scale-1)/2); num_filter must equal the number of channels. Example: "
                        + "UpSampling([[[[1, 2]]]], scale=2, sample_type='nearest') = [[[[1, 1, 2, 2], [1, 1, 2, 2]]]].")
                .inputs(SamplingOps::upSamplingInputs)
                .inferShape(SamplingOps::upSamplingShape)
                .inferType(FLOAT_SAME)
                .gradient(backwardAll("_backward_UpSampling"))
                .register(r);
        backwardOfAll(upSamplingParams(op("_backward_UpSampling")))
                .doc("Gradient of UpSampling: nearest sums out_grad over each scale x scale block; bilinear is the Deconvolution gradient.")
                .inputs(a -> {
                    List<String> l = new ArrayList<>(List.of("out_grad"));
                    l.addAll(upSamplingInputs(a));
                    return l;
                })
                .outputs(a -> upSamplingInputs(a).stream().map(s -> s + "_grad").toList())
                .backwardOf("UpSampling")
                .gradient(SamplingOps::upSamplingBackwardGradient)
                .register(r);
    }

    /**
     * Gradient of _backward_UpSampling (create_graph): bilinear upsampling is a deconvolution,
     * bilinear in (data, weight); nearest is linear in its inputs, so its backward's gradient is
     * UpSampling of the head gradients.
     */
    private static List<NodeEntry> upSamplingBackwardGradient(GradContext g) {
        if (g.attrs().getString("sample_type").equals("bilinear")) return SecondOrder.ofBilinearBackward("UpSampling", "_backward_UpSampling").apply(g);
        return SecondOrder.ofLinearBackward(c -> {
            NodeEntry[] heads = new NodeEntry[c.numInputs() - 1];
            for (int i = 0; i < heads.length; i++) heads[i] = c.outGrad(i);
            return c.op("UpSampling", c.attrs().givenAsStrings(), heads);
        }).apply(g);
    }

    private static boolean upSamplingShape(Attrs a, Shape[] in, Shape[] out) {
        int scale = a.getInt("scale");
        String name = a.op().name();
        if (!ShapeRules.known(in[0])) return false;
        Shape d = in[0];
        if (d.ndim() != 4) throw new ShapeException("Operator " + name + ": input data should be 4D in (batch, channel, y, x), got " + d);
        long oh = d.dim(2) * scale, ow = d.dim(3) * scale;
        if (a.getString("sample_type").equals("bilinear")) {
            if (a.getInt("num_args") != 2) {
                throw new ShapeException("Operator " + name + ": bilinear upsampling takes 2 inputs (data, weight), num_args is " + a.getInt("num_args"));
            }
            if (a.getInt("num_filter") != d.dim(1)) {
                throw new ShapeException("Operator " + name + ": bilinear upsampling needs num_filter equal to the number of channels " + d.dim(1)
                        + ", got " + a.getInt("num_filter"));
            }
            int k = bilinearKernel(scale);
            ShapeRules.assign(a, in, 1, Shape.of(d.dim(1), 1, k, k), "input weight");
            ShapeRules.assign(a, out, 0, Shape.of(d.dim(0), d.dim(1), oh, ow), "output");
            return ShapeRules.allKnown(in);
        }
        boolean sum = a.getString("multi_input_mode").equals("sum");
        long channels = 0;
        for (int i = 0; i < in.length; i++) {
            if (!ShapeRules.known(in[i])) return false;
            Shape s = in[i];
            if (s.ndim() != 4) throw new ShapeException("Operator " + name + ": input arg" + i + " should be 4D in (batch, channel, y, x), got " + s);
            if (s.dim(0) != d.dim(0)) throw new ShapeException("Operator " + name + ": input arg" + i + " " + s + " has another batch size than arg0 " + d);
            if (s.dim(2) == 0 || s.dim(3) == 0 || oh % s.dim(2) != 0 || ow % s.dim(3) != 0) {
                throw new ShapeException("Operator " + name + ": input arg" + i + " of size " + s.dim(2) + "x" + s.dim(3)
                        + " does not divide the output size " + oh + "x" + ow);
            }
            if (sum) {
                if (i > 0 && s.dim(1) != channels) {
                    throw new ShapeException("Operator " + name + ": number of channels must be the same when multi_input_mode==sum, arg" + i
                            + " has " + s.dim(1) + " and arg0 " + channels);
                }
                channels = s.dim(1);
            } else {
                channels += s.dim(1);
            }
        }
        ShapeRules.assign(a, out, 0, Shape.of(d.dim(0), channels, oh, ow), "output");
        return true;
    }

    // ------------------------------------------------------------------ BilinearSampler

    private static OpDef.Builder samplerParams(OpDef.Builder b) {
        return b.param(Param.boolParam("cudnn_off").optional().doc("whether to turn cudnn off (ignored on CPU)"));
    }

    private static void bilinearSampler(OpRegistry r) {
        samplerParams(op("BilinearSampler"))
                .doc("Applies bilinear sampling to input feature map (Spatial Transformer Networks): with x_src = grid[batch, 0, y_dst, x_dst] and "
                        + "y_src = grid[batch, 1, y_dst, x_dst], normalized to [-1, 1], output[batch, channel, y_dst, x_dst] is the bilinear "
                        + "interpolation of data[batch, channel] at ((x_src + 1) * (width - 1) / 2, (y_src + 1) * (height - 1) / 2); points "
                        + "outside the input read zeros. data is NCHW; the output has shape (data.shape[0], data.shape[1], grid.shape[2], "
                        + "grid.shape[3]). Example: grid from GridGenerator(affine [[1, 0, 0], [0, 1, 0]]) reproduces data.")
                .inputs("data", "grid")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    Shape d = in[0], g = in[1];
                    String name = a.op().name();
                    if (d.ndim() != 4) throw new ShapeException("Operator " + name + ": input data should be 4D in batch-num_filter-y-x, got " + d);
                    if (g.ndim() != 4 || g.dim(1) != 2) throw new ShapeException("Operator " + name + ": grid should be 4D in batch-2-y-x, got " + g);
                    if (g.dim(0) != d.dim(0)) throw new ShapeException("Operator " + name + ": grid batch " + g.dim(0) + " differs from data batch " + d.dim(0));
                    ShapeRules.assign(a, out, 0, Shape.of(d.dim(0), d.dim(1), g.dim(2), g.dim(3)), "output");
                    return true;
                })
                .inferType(FLOAT_SAME)
                .gradient(backwardAll("_backward_BilinearSampler"))
                .register(r);
        backwardOfAll(samplerParams(op("_backward_BilinearSampler")))
                .doc("Gradient of BilinearSampler with respect to data and grid.")
                .inputs("out_grad", "data", "grid")
                .outputs("data_grad", "grid_grad")
                .backwardOf("BilinearSampler")
                .register(r);
    }

    // ------------------------------------------------------------------ GridGenerator

    private static OpDef.Builder gridParams(OpDef.Builder b) {
        return b.param(Param.enumParam("transform_type", "affine", "warp").required().doc("The type of transformation. For `affine`, input data "
                        + "should be an affine matrix of size (batch, 6). For `warp`, input data should be an optical flow of size (batch, 2, h, w)."))
                .param(Param.intTupleParam("target_shape").defaultValue(new long[] {0, 0}).min(0).doc("Specifies the output shape (H, W). This is "
                        + "required if transformation type is `affine`. If transformation type is `warp`, this parameter is ignored."));
    }

    private static void gridGenerator(OpRegistry r) {
        gridParams(op("GridGenerator"))
                .doc("Generates a sampling grid for BilinearSampler. affine: data (batch, 6) holds 2x3 matrices A; output[batch, :, y, x] = "
                        + "A (x_t, y_t, 1) where x_t = -1 + 2x/(W-1), y_t = -1 + 2y/(H-1) over target_shape (H, W). warp: data (batch, 2, H, W) is "
                        + "an optical flow; output[:, 0] = (x + flow_x) / ((W-1)/2) - 1 and output[:, 1] = (y + flow_y) / ((H-1)/2) - 1. "
                        + "Example: affine [1, 0, 0, 0, 1, 0] gives the identity grid.")
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0])) return false;
                    ShapeRules.assign(a, out, 0, gridShape(a, in[0]), "output");
                    return true;
                })
                .inferType(FLOAT_SAME)
                .gradient(backwardAll("_backward_GridGenerator"))
                .register(r);
        backwardOfAll(gridParams(op("_backward_GridGenerator")))
                .doc("Gradient of GridGenerator with respect to the affine matrices or the flow.")
                .inputs("out_grad", "data")
                .outputs("data_grad")
                .backwardOf("GridGenerator")
                .register(r);
    }

    private static Shape gridShape(Attrs a, Shape d) {
        String name = a.op().name();
        if (a.getString("transform_type").equals("affine")) {
            if (d.ndim() != 2 || d.dim(1) != 6) {
                throw new ShapeException("Operator " + name + ": if transform_type is affine, data is the affine matrices, 2D (batch, 6); got " + d);
            }
            long[] t = a.getLongs("target_shape");
            if (t.length != 2 || t[0] <= 0 || t[1] <= 0) {
                throw new ShapeException("Operator " + name + ": affine transform needs target_shape (H, W) with positive sizes, got " + Param.format(t));
            }
            return Shape.of(d.dim(0), 2, t[0], t[1]);
        }
        if (d.ndim() != 4 || d.dim(1) != 2) {
            throw new ShapeException("Operator " + name + ": if transform_type is warp, data is an optical flow, 4D (batch, 2, y, x); got " + d);
        }
        return d;
    }

    // ------------------------------------------------------------------ ROIPooling

    private static OpDef.Builder roiParams(OpDef.Builder b) {
        return b.param(Param.intTupleParam("pooled_size").required().min(1).doc("ROI pooling output shape (h,w) "))
                .param(Param.floatParam("spatial_scale").required().min(0).max(1).doc("Ratio of input feature map height (or w) to raw image "
                        + "height (or w). Equals the reciprocal of total stride in convolutional layers"));
    }

    private static void roiPooling(OpRegistry r) {
        roiParams(op("ROIPooling").alias("_npx_roi_pooling"))
                .doc("Performs region of interest (ROI) pooling: each ROI [batch_index, x1, y1, x2, y2] (scaled by spatial_scale and rounded) "
                        + "is divided into pooled_size (h, w) bins and each bin is max-pooled, giving (num_rois, channel, h, w). Empty bins and "
                        + "ROIs with an invalid batch index give 0. Example: on x = 0..47 as (1, 1, 8, 6), ROIPooling(x, [[0, 0, 0, 4, 4]], "
                        + "pooled_size=(2, 2), spatial_scale=1) = [[[[14, 16], [26, 28]]]]. A hidden int32 output holds each bin's argmax.")
                .inputs("data", "rois")
                .outputs("output", "maxidx")
                .numVisibleOutputs(a -> 1)
                .inferShape((a, in, out) -> {
                    if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
                    Shape d = in[0], b = in[1];
                    String name = a.op().name();
                    long[] ps = a.getLongs("pooled_size");
                    if (ps.length != 2) throw new ShapeException("Operator " + name + ": pooled_size must be (h, w), got " + Param.format(ps));
                    if (d.ndim() != 4) throw new ShapeException("Operator " + name + ": data should be a 4D tensor, got " + d);
                    if (b.ndim() != 2 || b.dim(1) != 5) throw new ShapeException("Operator " + name + ": rois should be a 2D tensor of shape (num_rois, 5), got " + b);
                    Shape o = Shape.of(b.dim(0), d.dim(1), ps[0], ps[1]);
                    ShapeRules.assign(a, out, 0, o, "output");
                    ShapeRules.assign(a, out, 1, o, "output maxidx");
                    return true;
                })
                .inferType((a, in, out) -> {
                    DType t = in[0] != null ? in[0] : in[1];
                    if (t == null) return false;
                    ConvolutionOps.checkFloat(a, t);
                    TypeRules.assign(a, in, 0, t, "input data");
                    TypeRules.assign(a, in, 1, t, "input rois");
                    TypeRules.assign(a, out, 0, t, "output");
                    TypeRules.assign(a, out, 1, DType.INT32, "output maxidx");
                    return true;
                })
                .gradient(g -> {
                    NodeEntry dx = g.op("_backward_ROIPooling", g.attrs().givenAsStrings(), g.outGrad(0), g.output(1), g.input(0));
                    return new ArrayList<>(List.of(dx, g.zerosLike(g.input(1))));
                })
                .register(r);
        roiParams(op("_backward_ROIPooling"))
                .doc("Gradient of ROIPooling: out_grad is added at each bin's argmax (maxidx) in a zero array shaped like data.")
                .inputs("out_grad", "maxidx", "data")
                .outputs("data_grad")
                .inferShape((a, in, out) -> {
                    ShapeRules.assign(a, out, 0, in[2], "output");
                    return ShapeRules.allKnown(in) && ShapeRules.allKnown(out);
                })
                .inferType((a, in, out) -> {
                    if (in[0] == null) return false;
                    TypeRules.assign(a, out, 0, in[0], "output");
                    return TypeRules.allKnown(in);
                })
                .backwardOf("ROIPooling")
                .register(r);
    }
}
