package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.ConvParams;
import dev.mxj.op.defs.SamplingOps;

import java.lang.foreign.MemorySegment;

/**
 * CPU kernels of the convolution family. Convolution and Deconvolution run on oneDNN when it
 * loads and the problem is float32 and large enough to profit ({@link Dnnl#useFor}), else on the
 * Java im2col + GEMM path ({@link ConvJava}), which handles every case. Deconvolution is the
 * transpose of a convolution: its forward pass is that convolution's data gradient, its data
 * gradient that convolution's forward pass, and its weight gradient the same weight gradient
 * with the roles of input and output gradient swapped.
 */
public final class ConvolutionKernels {
    private ConvolutionKernels() {}

    public static void register(KernelTable t) {
        t.add("Convolution", ConvolutionKernels::convForward);
        t.add("_backward_Convolution", ConvolutionKernels::convBackward);
        t.add("Deconvolution", ConvolutionKernels::deconvForward);
        t.add("_backward_Deconvolution", ConvolutionKernels::deconvBackward);
        t.add("Pooling", PoolingKernels::forward);
        t.add("_backward_Pooling", PoolingKernels::backward);
        t.add("UpSampling", SamplingKernels::upSampling);
        t.add("_backward_UpSampling", SamplingKernels::upSamplingBackward);
        t.add("BilinearSampler", SamplingKernels::bilinearSampler);
        t.add("_backward_BilinearSampler", SamplingKernels::bilinearSamplerBackward);
        t.add("GridGenerator", SamplingKernels::gridGenerator);
        t.add("_backward_GridGenerator", SamplingKernels::gridGeneratorBackward);
        t.add("ROIPooling", SamplingKernels::roiPooling);
        t.add("_backward_ROIPooling", SamplingKernels::roiPoolingBackward);
    }

    private static MemorySegment seg(Tensor t) { return t.segment(); }

    private static boolean add(OpReq r) { return r == OpReq.ADD; }

    /** in: data, weight[, bias]; out: output. */
    static void convForward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        ConvParams cp = ConvParams.of(a);
        ConvGeom g = ConvGeom.conv(cp, in[0].shape(), out[0].shape());
        DType t = in[0].dtype();
        Tensor bias = cp.noBias ? null : in[2];
        if (Dnnl.useFor(g, t) && Dnnl.forward(g, in[0], in[1], bias, out[0], add(req[0]), ctx)) return;
        ConvJava.forward(g, t, seg(in[0]), seg(in[1]), seg(out[0]), add(req[0]), ctx);
        if (bias != null) ConvJava.addChannelBias(t, seg(out[0]), g.n(), g.outC(), g.outSpatial(), seg(bias));
    }

    /** in: out_grad, data, weight[, bias]; out: data_grad, weight_grad[, bias_grad]. */
    static void convBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        ConvParams cp = ConvParams.of(a);
        ConvGeom g = ConvGeom.conv(cp, in[1].shape(), in[0].shape());
        DType t = in[1].dtype();
        Tensor dx = req[0] == OpReq.NULL ? null : out[0];
        Tensor dw = req[1] == OpReq.NULL ? null : out[1];
        Tensor db = cp.noBias || req[2] == OpReq.NULL ? null : out[2];
        // oneDNN's weight-gradient primitive also writes the bias gradient (not accumulate)
        boolean dbByDnnl = db != null && dw != null && !add(req[2]);
        if ((dx != null || dw != null) && Dnnl.useFor(g, t)
                && Dnnl.backward(g, in[0], in[1], in[2], dx, add(req[0]), dw, add(req[1]), dbByDnnl ? db : null, ctx)) {
            if (dbByDnnl) db = null;
        } else {
            ConvJava.backward(g, t, seg(in[1]), seg(in[2]), seg(in[0]), dx == null ? null : seg(dx), add(req[0]),
                    dw == null ? null : seg(dw), add(req[1]), ctx);
        }
        if (db != null) ConvJava.channelSum(t, seg(in[0]), g.n(), g.outC(), g.outSpatial(), seg(db), add(req[2]));
    }

    /** in: data, weight[, bias]; out: output (the transposed convolution's "input"). */
    static void deconvForward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        ConvParams cp = ConvParams.of(a);
        deconvForward(ctx, ConvGeom.deconv(cp, in[0].shape(), out[0].shape()), in[0], in[1], cp.noBias ? null : in[2], req[0], out[0]);
    }

    private static void deconvForward(OpContext ctx, ConvGeom g, Tensor data, Tensor weight, Tensor bias, OpReq req, Tensor out) {
        DType t = data.dtype();
        if (!(Dnnl.useFor(g, t) && Dnnl.backward(g, data, null, weight, out, add(req), null, false, null, ctx))) {
            ConvJava.backward(g, t, null, seg(weight), seg(data), seg(out), add(req), null, false, ctx);
        }
        if (bias != null) ConvJava.addChannelBias(t, seg(out), g.n(), g.inC(), g.inSpatial(), seg(bias));
    }

    /** in: out_grad, data, weight[, bias]; out: data_grad, weight_grad[, bias_grad]. */
    static void deconvBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        ConvParams cp = ConvParams.of(a);
        deconvBackward(ctx, ConvGeom.deconv(cp, in[1].shape(), in[0].shape()), in[0], in[1], in[2], req[0], out[0], req[1], out[1],
                cp.noBias ? OpReq.NULL : req[2], cp.noBias ? null : out[2]);
    }

    private static void deconvBackward(OpContext ctx, ConvGeom g, Tensor gy, Tensor data, Tensor weight,
                                       OpReq dxReq, Tensor dx, OpReq dwReq, Tensor dw, OpReq dbReq, Tensor db) {
        DType t = data.dtype();
        boolean dnnl = Dnnl.useFor(g, t);
        if (dxReq != OpReq.NULL) {
            // data_grad = conv(out_grad, weight)
            if (!(dnnl && Dnnl.forward(g, gy, weight, null, dx, add(dxReq), ctx))) {
                ConvJava.forward(g, t, seg(gy), seg(weight), seg(dx), add(dxReq), ctx);
            }
        }
        if (dwReq != OpReq.NULL) {
            // weight_grad = conv weight gradient with x = out_grad and dy = data
            if (!(dnnl && Dnnl.backward(g, data, gy, null, null, false, dw, add(dwReq), null, ctx))) {
                ConvJava.backward(g, t, seg(gy), null, seg(data), null, false, seg(dw), add(dwReq), ctx);
            }
        }
        if (dbReq != OpReq.NULL) ConvJava.channelSum(t, seg(gy), g.n(), g.inC(), g.inSpatial(), seg(db), add(dbReq));
    }

    /** The depthwise deconvolution under bilinear UpSampling (MXNet's GetDeconvolutionParam). */
    private static ConvGeom upSamplingGeom(Attrs a, Shape data) {
        int scale = a.getInt("scale"), k = SamplingOps.bilinearKernel(scale), p = SamplingOps.bilinearPad(scale);
        long n = data.dim(0), c = data.dim(1), h = data.dim(2), w = data.dim(3);
        return new ConvGeom(2, n, c, c, c, new long[] {1, h * scale, w * scale}, new long[] {1, h, w}, new long[] {1, k, k},
                new long[] {1, scale, scale}, new long[] {1, 1, 1}, new long[] {0, p, p});
    }

    /** in: data, weight; out: output. */
    static void upSamplingBilinear(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        deconvForward(ctx, upSamplingGeom(a, in[0].shape()), in[0], in[1], null, req[0], out[0]);
    }

    /** in: out_grad, data, weight; out: data_grad, weight_grad. */
    static void upSamplingBilinearBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        deconvBackward(ctx, upSamplingGeom(a, in[1].shape()), in[0], in[1], in[2], req[0], out[0], req[1], out[1], OpReq.NULL, null);
    }
}
