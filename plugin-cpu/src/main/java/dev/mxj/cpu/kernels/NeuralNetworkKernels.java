package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;

/**
 * CPU kernels of the neural-network operators (dev.mxj.op.defs.NeuralNetworkOps and the Nn*Ops
 * classes it registers), one class per group.
 */
public final class NeuralNetworkKernels {
    private NeuralNetworkKernels() {}

    public static void register(KernelTable t) {
        NnDenseKernels.register(t);
        NnActivationKernels.register(t);
        NnSoftmaxKernels.register(t);
        NnNormKernels.register(t);
        NnSequenceKernels.register(t);
    }
}
