package dev.mxj.device;

import dev.mxj.op.Attrs;

/**
 * A device's implementation of one operator. Called by an engine worker once inputs are ready;
 * shapes and dtypes were already inferred and validated against the operator definition.
 */
@FunctionalInterface
public interface Kernel {
    void compute(OpContext ctx, Attrs attrs, Tensor[] in, OpReq[] req, Tensor[] out);
}
