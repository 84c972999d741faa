package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Several metrics updated together; get() lists every child's names and values ("composite"). */
public final class CompositeEvalMetric extends EvalMetric {
    private final List<EvalMetric> metrics = new ArrayList<>();

    public CompositeEvalMetric() { this(List.of(), "composite", null, null); }

    public CompositeEvalMetric(List<?> metrics, String name, List<String> outputNames, List<String> labelNames) {
        super(name, outputNames, labelNames, true);
        for (Object m : metrics) add(m);
    }

    /** Adds a metric instance, or anything {@link Metric#create(Object)} accepts. */
    public void add(Object metric) { metrics.add(Metric.create(metric)); }

    public EvalMetric getMetric(int index) {
        if (index < 0 || index >= metrics.size()) {
            throw new IndexOutOfBoundsException("Metric index " + index + " is out of range 0 and " + metrics.size());
        }
        return metrics.get(index);
    }

    public List<EvalMetric> metrics() { return List.copyOf(metrics); }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) { for (EvalMetric m : metrics) m.update(labels, preds); }

    @Override
    public void updateDict(Map<String, NDArray> labels, Map<String, NDArray> preds) {
        Map<String, NDArray> l = labels, p = preds;
        if (labelNames != null) {
            l = new LinkedHashMap<>();
            for (var e : labels.entrySet()) if (labelNames.contains(e.getKey())) l.put(e.getKey(), e.getValue());
        }
        if (outputNames != null) {
            p = new LinkedHashMap<>();
            for (var e : preds.entrySet()) if (outputNames.contains(e.getKey())) p.put(e.getKey(), e.getValue());
        }
        for (EvalMetric m : metrics) m.updateDict(l, p);
    }

    @Override
    public void reset() {
        if (metrics != null) for (EvalMetric m : metrics) m.reset();
    }

    @Override
    public void resetLocal() { for (EvalMetric m : metrics) m.resetLocal(); }

    @Override
    public Result get() { return collect(false); }

    @Override
    public Result getGlobal() { return collect(true); }

    private Result collect(boolean global) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (EvalMetric m : metrics) {
            Result r = global ? m.getGlobal() : m.get();
            names.addAll(r.names());
            values.addAll(r.values());
        }
        return new Result(names, values, true);
    }

    @Override
    public Map<String, Object> getConfig() {
        Map<String, Object> c = super.getConfig();
        c.put("metrics", metrics.stream().map(EvalMetric::getConfig).toList());
        return c;
    }
}
