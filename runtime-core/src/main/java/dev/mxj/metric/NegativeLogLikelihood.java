package dev.mxj.metric;

import java.util.Map;

/** Negative log-likelihood of the labels ("nll_loss", name "nll-loss"); computed as {@link CrossEntropy}. */
public final class NegativeLogLikelihood extends CrossEntropy {
    public NegativeLogLikelihood() { this(Map.of()); }

    public NegativeLogLikelihood(Map<String, ?> params) { super(params, "nll-loss", "NegativeLogLikelihood"); }
}
