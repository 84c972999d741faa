package dev.mxj.metric;

import java.util.Map;

/** Matthews correlation coefficient of a binary classifier ("mcc"), with F1's {@code average} semantics. */
public final class MCC extends BinaryClassificationMetric {
    public MCC() { this(Map.of()); }

    public MCC(Map<String, ?> params) { super(params, "mcc", "MCC"); }

    @Override double score(BinaryStats s, boolean global) { return s.mcc(global); }
}
