package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;

import java.util.List;

/**
 * A metric from a function of (label, prediction) host arrays ("custommetric"); the function
 * returns the sum to add and how many instances it covers ({@link Stat}), or use
 * {@link Metric#np} for a function returning one value per batch. With
 * {@code allowExtraOutputs} the numbers of labels and predictions may differ (pairs are zipped).
 */
public final class CustomMetric extends EvalMetric {
    /** What one call adds: {@code sum} to sum_metric and {@code num} to num_inst. */
    public record Stat(double sum, double num) {}

    @FunctionalInterface
    public interface Feval {
        Stat apply(HostArray label, HostArray pred);
    }

    private final Feval feval;
    private final boolean allowExtraOutputs;

    public CustomMetric(Feval feval, String name, boolean allowExtraOutputs) {
        super(name == null ? "custom" : name, null, null, true);
        this.feval = feval;
        this.allowExtraOutputs = allowExtraOutputs;
        config.put("allow_extra_outputs", allowExtraOutputs);
    }

    public CustomMetric(Feval feval) { this(feval, null, false); }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        if (!allowExtraOutputs) checkCounts(labels, preds);
        for (int k = 0; k < Math.min(labels.size(), preds.size()); k++) {
            Stat s = feval.apply(HostArray.of(labels.get(k)), HostArray.of(preds.get(k)));
            add(s.sum(), s.num());
        }
    }

    /** As MXNet: a custom function cannot be serialised. */
    @Override
    public java.util.Map<String, Object> getConfig() { throw new UnsupportedOperationException("CustomMetric cannot be serialized"); }
}
