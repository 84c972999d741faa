package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * The mean of the predictions themselves, for outputs that already are losses ("loss"; MXNet's
 * "torch" and "caffe" are the same metric under other names). Labels are ignored.
 */
public final class Loss extends EvalMetric {
    public Loss() { this(Map.of()); }

    public Loss(Map<String, ?> params) { this(params, "loss"); }

    Loss(Map<String, ?> params, String defaultName) {
        Kwargs kw = new Kwargs(params);
        super(kw, defaultName);
        kw.checkAllRead("Loss");
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        for (NDArray p : preds) {
            double s = 0;
            for (double v : p.toDoubleArray()) s += v;
            add(s, p.size());
        }
    }
}
