package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Cross entropy {@code -log(p[label] + eps)} per sample, averaged over samples ("ce",
 * name "cross-entropy"); predictions are (batch, classes) probabilities. {@code eps} 1e-12.
 * {@link NegativeLogLikelihood} is the same quantity under MXNet's other name.
 */
public class CrossEntropy extends EvalMetric {
    private final double eps;

    public CrossEntropy() { this(Map.of()); }

    public CrossEntropy(Map<String, ?> params) { this(params, "cross-entropy", "CrossEntropy"); }

    CrossEntropy(Map<String, ?> params, String defaultName, String owner) {
        Kwargs kw = new Kwargs(params);
        super(kw, defaultName);
        eps = kw.getDouble("eps", 1e-12);
        config.put("eps", eps);
        kw.checkAllRead(owner);
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) {
            HostArray label = HostArray.of(labels.get(k)), pred = HostArray.of(preds.get(k));
            int n = pred.rows();
            checkLength(label.size(), n);
            int classes = pred.size() / Math.max(1, n);
            double ce = 0;
            for (int i = 0; i < n; i++) {
                int l = (int) label.get(i);
                if (l < 0 || l >= classes) throw new IllegalArgumentException("label " + l + " out of range for " + classes + " classes");
                ce -= Math.log(pred.data()[i * classes + l] + eps);
            }
            add(ce, n);
        }
    }
}
