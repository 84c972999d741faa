package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;

/** CPU kernel family; to be filled by its owner. */
public final class OptimizerKernels {
    private OptimizerKernels() {}

    public static void register(KernelTable t) {
    }
}
