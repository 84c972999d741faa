package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Matthews correlation coefficient of a binary classifier ("mcc"), with F1's macro/micro
 * {@code average} semantics.
 */
public final class MCC extends EvalMetric {
    private final boolean macro;
    private final BinaryStats stats = new BinaryStats();

    public MCC() { this(Map.of()); }

    public MCC(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "mcc");
        String avg = kw.getString("average", "macro");
        macro = avg.equals("macro");   // anything else is micro, as in MXNet
        config.put("average", avg);
        kw.checkAllRead("MCC");
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) stats.update(HostArray.of(labels.get(k)), HostArray.of(preds.get(k)), "MCC");
        if (macro) {
            sumMetric += stats.mcc(false);
            globalSumMetric += stats.mcc(true);
            numInst += 1;
            globalNumInst += 1;
            stats.reset();
        } else {
            sumMetric = stats.mcc(false) * stats.total(false);
            globalSumMetric = stats.mcc(true) * stats.total(true);
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
