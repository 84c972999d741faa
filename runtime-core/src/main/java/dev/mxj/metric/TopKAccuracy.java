package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Fraction of samples whose label is among the {@code top_k} highest scores ("top_k_accuracy",
 * "top_k_acc"); the name gets the suffix {@code _k}. Predictions are (batch, classes);
 * top_k must be above 1 (use Accuracy otherwise), as in MXNet.
 */
public final class TopKAccuracy extends EvalMetric {
    private final int topK;

    public TopKAccuracy(int topK) { this(Map.of("top_k", topK)); }

    public TopKAccuracy(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "top_k_accuracy");
        topK = kw.getInt("top_k", 1);
        if (topK <= 1) throw new IllegalArgumentException("Please use Accuracy if top_k is no more than 1");
        name += "_" + topK;
        config.put("top_k", topK);
        kw.checkAllRead("TopKAccuracy");
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) {
            HostArray label = HostArray.of(labels.get(k)), pred = HostArray.of(preds.get(k));
            if (pred.ndim() != 2) {
                throw new IllegalArgumentException("TopKAccuracy needs (batch, classes) predictions, got shape " + pred);
            }
            int n = pred.rows(), classes = (int) pred.shape()[1];
            checkLength(label.size(), n);
            int kk = Math.min(classes, topK), correct = 0;
            for (int i = 0; i < n; i++) {
                int l = (int) label.get(i);
                if (l < 0 || l >= classes) continue;
                double v = pred.get(i, l);
                int higher = 0;   // classes ranked strictly above the label's score
                for (int c = 0; c < classes; c++) if (pred.get(i, c) > v) higher++;
                if (higher < kk) correct++;
            }
            add(correct, n);
        }
    }
}
