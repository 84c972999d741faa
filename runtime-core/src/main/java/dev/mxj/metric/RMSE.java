package dev.mxj.metric;

import java.util.Map;

/** Root mean squared error ("rmse"): the square root of each batch's MSE, averaged over batches. */
public final class RMSE extends RegressionMetric {
    public RMSE() { this(Map.of()); }

    public RMSE(Map<String, ?> params) { super(params, "rmse", "RMSE"); }

    @Override
    double error(double label, double pred) { return (label - pred) * (label - pred); }

    @Override
    double finish(double meanError) { return Math.sqrt(meanError); }
}
