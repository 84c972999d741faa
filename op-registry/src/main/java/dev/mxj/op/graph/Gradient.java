package dev.mxj.op.graph;

import java.util.List;

/**
 * An operator's gradient (NNVM's FGradient): one entry per input, the gradient of the loss with
 * respect to that input; a null entry means "no gradient" (an integer index input, say), which
 * consumers treat as zeros.
 */
@FunctionalInterface
public interface Gradient {
    List<NodeEntry> apply(GradContext g);

    /** For piecewise-constant ops (sign, floor, comparisons): all input gradients are zero. */
    Gradient ZERO = g -> {
        java.util.ArrayList<NodeEntry> r = new java.util.ArrayList<>();
        for (int i = 0; i < g.numInputs(); i++) r.add(g.zerosLike(g.input(i)));
        return r;
    };
}
