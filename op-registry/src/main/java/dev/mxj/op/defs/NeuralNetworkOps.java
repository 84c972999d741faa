package dev.mxj.op.defs;

import dev.mxj.op.OpRegistry;

/** Operator family; declarations to be filled by its owner. */
public final class NeuralNetworkOps {
    private NeuralNetworkOps() {}

    public static void register(OpRegistry r) {
    }
}
