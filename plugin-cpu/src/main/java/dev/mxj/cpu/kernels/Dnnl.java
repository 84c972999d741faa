package dev.mxj.cpu.kernels;

import dev.mxj.device.OpContext;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;

/** oneDNN convolution (stub). */
final class Dnnl {
    private Dnnl() {}

    static boolean useFor(ConvGeom g, DType t) { return false; }

    static boolean forward(ConvGeom g, Tensor x, Tensor w, Tensor bias, Tensor y, boolean add, OpContext ctx) { return false; }

    static boolean backward(ConvGeom g, Tensor dy, Tensor x, Tensor w, Tensor dx, boolean dxAdd, Tensor dw, boolean dwAdd, Tensor db, OpContext ctx) { return false; }
}
