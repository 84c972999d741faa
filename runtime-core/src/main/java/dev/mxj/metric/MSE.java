package dev.mxj.metric;

import java.util.Map;

/** Mean squared error ("mse"), averaged per batch. */
public final class MSE extends RegressionMetric {
    public MSE() { this(Map.of()); }

    public MSE(Map<String, ?> params) { super(params, "mse", "MSE"); }

    @Override
    double error(double label, double pred) { return (label - pred) * (label - pred); }
}
