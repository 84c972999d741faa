package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * A score computed from a binary classifier's confusion counts (F1, MCC). {@code average}
 * "macro" (default) averages the score of each update call and clears the counts after it;
 * anything else is "micro": one score from all counts so far (MXNet 1.9's semantics).
 */
abstract class BinaryClassificationMetric extends EvalMetric {
    private final boolean macro;
    private final String className;
    private final BinaryStats stats = new BinaryStats();

    BinaryClassificationMetric(Map<String, ?> params, String name, String className) {
        Kwargs kw = new Kwargs(params);
        super(kw, name);
        this.className = className;
        String avg = kw.getString("average", "macro");
        macro = avg.equals("macro");   // anything else is micro, as in MXNet
        config.put("average", avg);
        kw.checkAllRead(className);
    }

    /** The score of the counts, over the local (since resetLocal) or global window. */
    abstract double score(BinaryStats s, boolean global);

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) stats.update(HostArray.of(labels.get(k)), HostArray.of(preds.get(k)), className);
        if (macro) {
            sumMetric += score(stats, false);
            globalSumMetric += score(stats, true);
            numInst += 1;
            globalNumInst += 1;
            stats.reset();
        } else {
            sumMetric = score(stats, false) * stats.total(false);
            globalSumMetric = score(stats, true) * stats.total(true);
            numInst = stats.total(false);
            globalNumInst = stats.total(true);
        }
    }

    @Override
    public void reset() {
        super.reset();
        if (stats != null) stats.reset();   // null while EvalMetric's constructor calls reset()
    }

    @Override
    public void resetLocal() {
        super.resetLocal();
        stats.resetLocal();
    }
}
