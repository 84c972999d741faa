package dev.mxj.op.defs;

import dev.mxj.op.OpRegistry;

/** Operator family; declarations to be filled by its owner. */
public final class OptimizerOps {
    private OptimizerOps() {}

    public static void register(OpRegistry r) {
    }
}
