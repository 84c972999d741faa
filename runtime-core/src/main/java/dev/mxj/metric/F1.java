package dev.mxj.metric;

import java.util.Map;

/** F1 score of a binary classifier ("f1"), with {@code average} "macro" (default) or "micro". */
public final class F1 extends BinaryClassificationMetric {
    public F1() { this(Map.of()); }

    public F1(Map<String, ?> params) { super(params, "f1", "F1"); }

    @Override double score(BinaryStats s, boolean global) { return s.fscore(global); }
}
