package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Fraction of correct predictions ("accuracy", alias "acc"). Predictions shaped differently from
 * the labels are class scores and are reduced by argmax along {@code axis} (1); both sides are
 * then truncated to integers and compared element by element.
 */
public final class Accuracy extends EvalMetric {
    private final int axis;

    public Accuracy() { this(Map.of()); }

    public Accuracy(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "accuracy");
        axis = kw.getInt("axis", 1);
        config.put("axis", axis);
        kw.checkAllRead("Accuracy");
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) {
            HostArray label = HostArray.of(labels.get(k)), pred = HostArray.of(preds.get(k));
            int[] p;
            if (!pred.sameShape(label)) {
                p = pred.argmax(axis);
            } else {
                p = new int[pred.size()];
                for (int i = 0; i < p.length; i++) p[i] = (int) pred.get(i);
            }
            checkLength(label.size(), p.length);
            int correct = 0;
            for (int i = 0; i < p.length; i++) if (p[i] == (int) label.get(i)) correct++;
            add(correct, p.length);
        }
    }
}
