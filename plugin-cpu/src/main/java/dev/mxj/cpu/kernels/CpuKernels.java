package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;

/** All CPU kernel families, one class each (mirrors dev.mxj.op.defs.BuiltinOps). */
public final class CpuKernels {
    private CpuKernels() {}

    public static void registerAll(KernelTable t) {
        ElementwiseUnaryKernels.register(t);
        ElementwiseBinaryKernels.register(t);
        ReduceKernels.register(t);
        LinalgKernels.register(t);
        ShapeKernels.register(t);
        IndexingKernels.register(t);
        CreationKernels.register(t);
        SortKernels.register(t);
        RandomKernels.register(t);
        NeuralNetworkKernels.register(t);
        ConvolutionKernels.register(t);
        OptimizerKernels.register(t);
        FusedKernels.register(t);
    }
}
