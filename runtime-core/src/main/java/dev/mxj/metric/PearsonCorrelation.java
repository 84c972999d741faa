package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Pearson correlation of predictions and labels ("pearsonr"). {@code average} "macro" averages
 * the correlation of each batch; "micro" streams the means, variances and covariance over every
 * element seen (MXNet 1.9's update order, so the same numbers). In micro mode getGlobal() equals
 * get() (MXNet returns a meaningless 0 there).
 */
public final class PearsonCorrelation extends EvalMetric {
    private final boolean macro;
    private double sseP, meanP, sseL, meanL, nP, nL, cov;

    public PearsonCorrelation() { this(Map.of()); }

    public PearsonCorrelation(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "pearsonr");
        String avg = kw.getString("average", "macro");
        macro = avg.equals("macro");   // anything else is micro, as in MXNet
        config.put("average", avg);
        kw.checkAllRead("PearsonCorrelation");
    }

    @Override
    public void reset() {
        super.reset();
        sseP = meanP = sseL = meanL = nP = nL = cov = 0;
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) {
            HostArray l = HostArray.of(labels.get(k)), p = HostArray.of(preds.get(k));
            if (!l.sameShape(p)) {
                throw new IllegalArgumentException("Shape of labels " + java.util.Arrays.toString(l.shape()) + " does not match shape of predictions "
                        + java.util.Arrays.toString(p.shape()));
            }
            if (macro) {
                add(corr(p.data(), l.data()), 1);
            } else {
                numInst++;
                globalNumInst++;
                double[] s = variance(l.data(), nL, meanL, sseL);
                nL = s[0]; meanL = s[1]; sseL = s[2];
                for (int i = 0; i < l.size(); i++) cov += (l.get(i) - meanL) * (p.get(i) - meanP);
                s = variance(p.data(), nP, meanP, sseP);
                nP = s[0]; meanP = s[1]; sseP = s[2];
            }
        }
    }

    /** MXNet's batched Welford step: the mean moves by the sum of deltas over the new count. */
    private static double[] variance(double[] v, double count, double mean, double m2) {
        count += v.length;
        double shift = 0;
        for (double x : v) shift += (x - mean) / count;
        double newMean = mean + shift;
        for (double x : v) m2 += (x - mean) * (x - newMean);
        return new double[] {count, newMean, m2};
    }

    private static double corr(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Override
    public Result get() {
        if (numInst == 0) return Result.of(name, Double.NaN);
        if (macro) return Result.of(name, sumMetric / numInst);
        double n = nL;
        return Result.of(name, cov / ((n - 1) * Math.sqrt(sseP / (n - 1)) * Math.sqrt(sseL / (n - 1))));
    }

    @Override
    public Result getGlobal() { return macro ? super.getGlobal() : get(); }
}
