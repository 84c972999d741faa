package dev.mxj.autograd;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.graph.Node;

/**
 * What the tape keeps for one recorded node (MXNet's AGInfo), stored in {@link Node#extra()}:
 * handles on its output arrays (for a variable: the array itself) which backward reads, and for
 * variables the gradient buffer and request. Removed when the graph is freed, which is how a
 * second backward without retain_graph is detected.
 */
final class AGInfo {
    static final String KEY = "mxj.autograd";

    /** Tape-owned handles ({@code AutogradHooks.tapeHandle}); closed when the graph is freed. */
    final NDArray[] outputs;
    NDArray grad;
    GradReq gradReq = GradReq.NULL;

    AGInfo(NDArray[] outputs) { this.outputs = outputs; }

    static AGInfo of(Node n) { return (AGInfo) n.extra().get(KEY); }

    void attach(Node n) { n.extra().put(KEY, this); }

    /** Release the tape's handles; variables that want a gradient keep theirs. */
    static void free(Node n) {
        AGInfo info = of(n);
        if (info == null || info.gradReq != GradReq.NULL) return;
        n.extra().remove(KEY);
        for (NDArray a : info.outputs) a.close();
    }
}
