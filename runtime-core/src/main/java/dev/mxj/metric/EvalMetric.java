package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the evaluation metrics (MXNet 1.9's {@code mx.metric.EvalMetric}): accumulates
 * {@code sum_metric} over {@code num_inst} instances; {@link #get()} is their ratio (NaN before
 * any update). Two accumulators run side by side, as in MXNet 1.9: the local one, cleared by
 * {@link #resetLocal()} (e.g. every logging interval), and the global one, cleared only by
 * {@link #reset()} (e.g. every epoch) and read with {@link #getGlobal()}.
 *
 * <p>Metrics read their inputs on the host (MXNet's metrics call {@code asnumpy()} as well).
 * Common arguments: {@code name}, {@code output_names}, {@code label_names} (used by
 * {@link #updateDict}).
 */
public abstract class EvalMetric {
    /** A metric's value: one name and value, or several for composite metrics. */
    public record Result(List<String> names, List<Double> values, boolean multi) {
        public static Result of(String name, double value) { return new Result(List.of(name), List.of(value), false); }

        /** The name of a single metric. */
        public String name() {
            if (names.size() != 1) throw new IllegalStateException("several metrics: " + names);
            return names.get(0);
        }

        /** The value of a single metric. */
        public double value() {
            if (values.size() != 1) throw new IllegalStateException("several metrics: " + names);
            return values.get(0);
        }
    }

    protected String name;
    protected final List<String> outputNames;
    protected final List<String> labelNames;
    protected final boolean hasGlobalStats;
    /** Metric-specific constructor arguments, for {@link #getConfig()}. */
    protected final Map<String, Object> config = new LinkedHashMap<>();
    protected double sumMetric, globalSumMetric;
    protected double numInst, globalNumInst;

    protected EvalMetric(String name, List<String> outputNames, List<String> labelNames, boolean hasGlobalStats) {
        this.name = name;
        this.outputNames = outputNames;
        this.labelNames = labelNames;
        this.hasGlobalStats = hasGlobalStats;
        reset();
    }

    /** Reads the common arguments name/output_names/label_names from {@code kw}. */
    @SuppressWarnings("unchecked")
    protected EvalMetric(Kwargs kw, String defaultName) {
        this(kw.getString("name", defaultName), (List<String>) kw.raw("output_names"), (List<String>) kw.raw("label_names"), true);
    }

    public String name() { return name; }

    public abstract void update(List<NDArray> labels, List<NDArray> preds);

    /** One label and one prediction. */
    public void update(NDArray label, NDArray pred) { update(List.of(label), List.of(pred)); }

    /** Picks outputs and labels by {@code output_names}/{@code label_names} (all, in order, when unset). */
    public void updateDict(Map<String, NDArray> labels, Map<String, NDArray> preds) {
        List<NDArray> p = outputNames == null ? new ArrayList<>(preds.values()) : outputNames.stream().map(preds::get).toList();
        List<NDArray> l = labelNames == null ? new ArrayList<>(labels.values()) : labelNames.stream().map(labels::get).toList();
        update(l, p);
    }

    /** Clears the local and the global statistics. */
    public void reset() {
        numInst = 0;
        sumMetric = 0;
        globalNumInst = 0;
        globalSumMetric = 0;
    }

    /** Clears the local statistics only. */
    public void resetLocal() {
        numInst = 0;
        sumMetric = 0;
    }

    public Result get() { return Result.of(name, numInst == 0 ? Double.NaN : sumMetric / numInst); }

    public Result getGlobal() {
        if (!hasGlobalStats) return get();
        return Result.of(name, globalNumInst == 0 ? Double.NaN : globalSumMetric / globalNumInst);
    }

    /** (name, value) pairs, flattening composite metrics. */
    public List<Map.Entry<String, Double>> getNameValue() { return pairs(get()); }

    public List<Map.Entry<String, Double>> getGlobalNameValue() { return pairs(getGlobal()); }

    private static List<Map.Entry<String, Double>> pairs(Result r) {
        List<Map.Entry<String, Double>> l = new ArrayList<>();
        for (int i = 0; i < r.names().size(); i++) l.add(Map.entry(r.names().get(i), r.values().get(i)));
        return l;
    }

    public double numInst() { return numInst; }

    public double sumMetric() { return sumMetric; }

    public double globalNumInst() { return globalNumInst; }

    public double globalSumMetric() { return globalSumMetric; }

    /** Adds to both accumulators. */
    protected void add(double sum, double num) {
        sumMetric += sum;
        globalSumMetric += sum;
        numInst += num;
        globalNumInst += num;
    }

    /** MXNet's {@code get_config}: the arguments plus {@code metric} (class name), name, output_names, label_names. */
    public Map<String, Object> getConfig() {
        Map<String, Object> c = new LinkedHashMap<>(config);
        c.put("metric", getClass().getSimpleName());
        c.put("name", name);
        c.put("output_names", outputNames);
        c.put("label_names", labelNames);
        return c;
    }

    /** MXNet's check_label_shapes on list lengths. */
    protected static void checkCounts(List<?> labels, List<?> preds) {
        if (labels.size() != preds.size()) {
            throw new IllegalArgumentException("Shape of labels " + labels.size() + " does not match shape of predictions " + preds.size());
        }
    }

    protected static void checkLength(long label, long pred) {
        if (label != pred) throw new IllegalArgumentException("Shape of labels " + label + " does not match shape of predictions " + pred);
    }

    @Override
    public String toString() { return "EvalMetric: " + getNameValue(); }
}
