package dev.mxj.metric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;

/**
 * The metric registry and factory (MXNet's {@code mx.metric.create}/{@code mx.metric.np}): by
 * MXNet's lower-case class names and aliases ("acc", "ce", "nll_loss", "top_k_accuracy", ...),
 * from a list (a {@link CompositeEvalMetric}), from a function (a {@link CustomMetric}), or an
 * instance passed through.
 */
public final class Metric {
    private Metric() {}

    private static final Map<String, Function<Map<String, ?>, EvalMetric>> REGISTRY = new LinkedHashMap<>();

    static {
        register(Accuracy::new, "accuracy", "acc");
        register(TopKAccuracy::new, "topkaccuracy", "top_k_accuracy", "top_k_acc");
        register(F1::new, "f1");
        register(MCC::new, "mcc");
        register(Perplexity::new, "perplexity");
        register(MAE::new, "mae");
        register(MSE::new, "mse");
        register(RMSE::new, "rmse");
        register(CrossEntropy::new, "crossentropy", "ce");
        register(NegativeLogLikelihood::new, "negativeloglikelihood", "nll_loss");
        register(PearsonCorrelation::new, "pearsoncorrelation", "pearsonr");
        register(PCC::new, "pcc");
        register(Loss::new, "loss");
        register(p -> new Loss(p, "torch"), "torch");
        register(p -> new Loss(p, "caffe"), "caffe");
        register(p -> new CompositeEvalMetric(List.of(), p.containsKey("name") ? p.get("name").toString() : "composite", null, null),
                "compositeevalmetric", "composite");
    }

    /** Adds (or replaces) a metric under one or more lower-case names. */
    @SafeVarargs
    public static synchronized void register(Function<Map<String, ?>, EvalMetric> factory, String... names) {
        for (String n : names) REGISTRY.put(n.toLowerCase(), factory);
    }

    public static synchronized java.util.Set<String> names() { return java.util.Set.copyOf(REGISTRY.keySet()); }

    /** By registered name with arguments, e.g. {@code create("top_k_accuracy", Map.of("top_k", 5))}. */
    public static synchronized EvalMetric create(String name, Map<String, ?> params) {
        var f = REGISTRY.get(name.toLowerCase());
        if (f == null) throw new IllegalArgumentException("Cannot find metric " + name + "; registered: " + REGISTRY.keySet());
        return f.apply(params == null ? Map.of() : params);
    }

    /** A name, an {@link EvalMetric}, a {@link CustomMetric.Feval}, or a list of any of these. */
    public static EvalMetric create(Object metric) {
        return switch (metric) {
            case EvalMetric m -> m;
            case String s -> create(s, Map.of());
            case CustomMetric.Feval f -> new CustomMetric(f);
            case List<?> l -> new CompositeEvalMetric(l, "composite", null, null);
            default -> throw new IllegalArgumentException("Cannot create a metric from " + metric);
        };
    }

    /** MXNet's {@code mx.metric.np}: a function giving one value per (label, prediction) pair, averaged over calls. */
    public static CustomMetric np(ToDoubleBiFunction<HostArray, HostArray> fn, String name, boolean allowExtraOutputs) {
        return new CustomMetric((l, p) -> new CustomMetric.Stat(fn.applyAsDouble(l, p), 1), name, allowExtraOutputs);
    }

    public static CustomMetric np(ToDoubleBiFunction<HostArray, HostArray> fn) { return np(fn, null, false); }
}
