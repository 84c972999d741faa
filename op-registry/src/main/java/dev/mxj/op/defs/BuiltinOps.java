package dev.mxj.op.defs;

import dev.mxj.op.OpRegistry;

/** The built-in operator families, each declared in its own class. */
public final class BuiltinOps {
    private BuiltinOps() {}

    public static void registerAll(OpRegistry r) {
        ElementwiseUnaryOps.register(r);
        ElementwiseBinaryOps.register(r);
        ReduceOps.register(r);
        LinalgOps.register(r);
        ShapeOps.register(r);
        IndexingOps.register(r);
        CreationOps.register(r);
        SortOps.register(r);
        RandomOps.register(r);
        NeuralNetworkOps.register(r);
        ConvolutionOps.register(r);
        OptimizerOps.register(r);
        FusedOps.register(r);
    }
}
