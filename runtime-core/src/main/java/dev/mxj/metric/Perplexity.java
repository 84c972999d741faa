package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Perplexity, {@code exp(-sum(log p_label) / n)} ("perplexity"). The label's probability is
 * picked along {@code axis} (-1; indices clipped into range as MXNet's pick does); probabilities
 * are floored at 1e-10; positions whose label equals {@code ignore_label} (required argument,
 * may be None) do not count.
 */
public final class Perplexity extends EvalMetric {
    private final Integer ignoreLabel;
    private final int axis;

    public Perplexity(Integer ignoreLabel) {
        this(ignoreLabel == null ? Map.of("ignore_label", "None") : Map.of("ignore_label", ignoreLabel));
    }

    public Perplexity(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "perplexity");
        if (!params.containsKey("ignore_label")) throw new IllegalArgumentException("Perplexity requires the argument 'ignore_label' (it may be None)");
        Double ig = kw.getDouble("ignore_label", (Double) null);
        ignoreLabel = ig == null ? null : ig.intValue();
        axis = kw.getInt("axis", -1);
        config.put("ignore_label", ignoreLabel);
        config.put("axis", axis);
        kw.checkAllRead("Perplexity");
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        double loss = 0, num = 0;
        for (int k = 0; k < labels.size(); k++) {
            HostArray label = HostArray.of(labels.get(k)), pred = HostArray.of(preds.get(k));
            long[] s = pred.shape();
            int ax = axis < 0 ? axis + s.length : axis;
            int n = (int) s[ax], outer = 1, inner = 1;
            for (int i = 0; i < ax; i++) outer *= (int) s[i];
            for (int i = ax + 1; i < s.length; i++) inner *= (int) s[i];
            if (label.size() != pred.size() / s[s.length - 1] || label.size() != outer * inner) {
                throw new IllegalArgumentException("shape mismatch: " + java.util.Arrays.toString(label.shape()) + " vs. " + java.util.Arrays.toString(s));
            }
            for (int i = 0; i < label.size(); i++) {
                int l = (int) label.get(i);
                if (ignoreLabel != null && label.get(i) == ignoreLabel) continue;
                int idx = Math.max(0, Math.min(n - 1, l));
                int o = i / inner, in = i % inner;
                loss -= Math.log(Math.max(1e-10, pred.data()[(o * n + idx) * inner + in]));
                num++;
            }
        }
        add(loss, num);
    }

    @Override
    public Result get() { return Result.of(name, numInst == 0 ? Double.NaN : Math.exp(sumMetric / numInst)); }

    @Override
    public Result getGlobal() { return Result.of(name, globalNumInst == 0 ? Double.NaN : Math.exp(globalSumMetric / globalNumInst)); }
}
