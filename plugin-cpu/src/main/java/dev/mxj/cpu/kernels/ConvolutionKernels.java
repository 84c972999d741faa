package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.defs.ConvParams;

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
        ConvGeom g = ConvGeom.deconv(cp, in[0].shape(), out[0].shape());
        DType t = in[0].dtype();
        if (!(Dnnl.useFor(g, t) && Dnnl.backward(g, in[0], null, in[1], out[0], add(req[0]), null, false, null, ctx))) {
            ConvJava.backward(g, t, null, seg(in[1]), seg(in[0]), seg(out[0]), add(req[0]), null, false, ctx);
        }
        if (!cp.noBias) ConvJava.addChannelBias(t, seg(out[0]), g.n(), g.inC(), g.inSpatial(), seg(in[2]));
    }

    /** in: out_grad, data, weight[, bias]; out: data_grad, weight_grad[, bias_grad]. */
    static void deconvBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        ConvParams cp = ConvParams.of(a);
        ConvGeom g = ConvGeom.deconv(cp, in[1].shape(), in[0].shape());
        DType t = in[1].dtype();
        boolean dnnl = Dnnl.useFor(g, t);
        if (req[0] != OpReq.NULL) {
            // data_grad = conv(out_grad, weight)
            if (!(dnnl && Dnnl.forward(g, in[0], in[2], null, out[0], add(req[0]), ctx))) {
                ConvJava.forward(g, t, seg(in[0]), seg(in[2]), seg(out[0]), add(req[0]), ctx);
            }
        }
        if (req[1] != OpReq.NULL) {
            // weight_grad = conv weight gradient with x = out_grad and dy = data
            if (!(dnnl && Dnnl.backward(g, in[1], in[0], null, null, false, out[1], add(req[1]), null, ctx))) {
                ConvJava.backward(g, t, seg(in[0]), null, seg(in[1]), null, false, seg(out[1]), add(req[1]), ctx);
            }
        }
        if (!cp.noBias && req[2] != OpReq.NULL) {
            ConvJava.channelSum(t, seg(in[0]), g.n(), g.inC(), g.inSpatial(), seg(out[2]), add(req[2]));
        }
    }
}
