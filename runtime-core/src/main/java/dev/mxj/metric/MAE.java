package dev.mxj.metric;

import java.util.Map;

/** Mean absolute error ("mae"), averaged per batch. */
public final class MAE extends RegressionMetric {
    public MAE() { this(Map.of()); }

    public MAE(Map<String, ?> params) { super(params, "mae", "MAE"); }

    @Override
    double error(double label, double pred) { return Math.abs(label - pred); }
}
