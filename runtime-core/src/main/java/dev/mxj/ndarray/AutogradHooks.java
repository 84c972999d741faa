package dev.mxj.ndarray;

import dev.mxj.op.graph.NodeEntry;

/**
 * Internal bridge for {@code dev.mxj.autograd}: an array's place in the recorded graph and
 * tape-owned handles on its storage. Not for users; Java has no friend packages.
 */
public final class AutogradHooks {
    private AutogradHooks() {}

    public static NodeEntry entry(NDArray a) { return a.autogradEntry; }

    public static void setEntry(NDArray a, NodeEntry e) { a.autogradEntry = e; }

    /** A handle on {@code a}'s storage that no {@link NDScope} closes: the tape closes it when the graph is freed. */
    public static NDArray tapeHandle(NDArray a, NodeEntry e) {
        NDArray h = a.share(false);
        h.autogradEntry = e;
        return h;
    }
}
