package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * F1 score of a binary classifier ("f1"). {@code average} "macro" (default) averages the F1 of
 * each update call; "micro" computes one F1 from all counts so far (MXNet 1.9's semantics,
 * including macro clearing the counts after every update).
 */
public final class F1 extends EvalMetric {
    private final boolean macro;
    private final BinaryStats stats = new BinaryStats();

    public F1() { this(Map.of()); }

    public F1(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "f1");
        String avg = kw.getString("average", "macro");
        macro = avg.equals("macro");   // anything else is micro, as in MXNet
        config.put("average", avg);
        kw.checkAllRead("F1");
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) stats.update(HostArray.of(labels.get(k)), HostArray.of(preds.get(k)), "F1");
        if (macro) {
            sumMetric += stats.fscore(false);
            globalSumMetric += stats.fscore(true);
            numInst += 1;
            globalNumInst += 1;
            stats.reset();
        } else {
            sumMetric = stats.fscore(false) * stats.total(false);
            globalSumMetric = stats.fscore(true) * stats.total(true);
            numInst = stats.total(false);
            globalNumInst = stats.total(true);
        }
    }

    @Override
    public void reset() {
        super.reset();
        if (stats != null) stats.reset();
    }

    @Override
    public void resetLocal() {
        super.resetLocal();
        stats.resetLocal();
    }
}
