package dev.mxj.metric;

/**
 * Confusion counts of a binary classifier, local and global, for F1 and MCC (MXNet's
 * {@code _BinaryClassificationMetrics}). Predictions are (batch, 2) scores; class 1 is positive.
 */
final class BinaryStats {
    long tp, fp, fn, tn, gtp, gfp, gfn, gtn;

    void update(HostArray label, HostArray pred, String owner) {
        int[] p = pred.argmax(1);
        EvalMetric.checkLength(label.rows(), pred.rows());
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        for (double v : label.data()) distinct.add((int) v);
        if (distinct.size() > 2) throw new IllegalArgumentException(owner + " currently only supports binary classification.");
        for (int i = 0; i < p.length; i++) {
            boolean predTrue = p[i] == 1, labelTrue = (int) label.get(i) == 1;
            if (predTrue && labelTrue) { tp++; gtp++; }
            else if (predTrue) { fp++; gfp++; }
            else if (labelTrue) { fn++; gfn++; }
            else { tn++; gtn++; }
        }
    }

    static double fscore(long tp, long fp, long fn) {
        double precision = tp + fp > 0 ? (double) tp / (tp + fp) : 0;
        double recall = tp + fn > 0 ? (double) tp / (tp + fn) : 0;
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }

    double fscore(boolean global) { return global ? fscore(gtp, gfp, gfn) : fscore(tp, fp, fn); }

    /** Matthews correlation; zero factors of the denominator are left out, as MXNet does. */
    double mcc(boolean global) {
        double a = global ? gtp : tp, b = global ? gfp : fp, c = global ? gfn : fn, d = global ? gtn : tn;
        if (a + b + c + d == 0) return 0;
        double denom = 1;
        for (double t : new double[] {a + b, a + c, d + b, d + c}) if (t != 0) denom *= t;
        return (a * d - b * c) / Math.sqrt(denom);
    }

    long total(boolean global) { return global ? gtp + gfp + gfn + gtn : tp + fp + fn + tn; }

    void resetLocal() { tp = fp = fn = tn = 0; }

    void reset() {
        resetLocal();
        gtp = gfp = gfn = gtn = 0;
    }
}
