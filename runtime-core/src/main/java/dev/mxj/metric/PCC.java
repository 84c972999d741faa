package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * Multi-class Matthews correlation from a growing confusion matrix ("pcc"); predictions are
 * scores (argmax along axis 1) or class indices shaped like the labels. The value is the
 * correlation of all counts so far (local or global); NaN while a row or column sum is degenerate.
 */
public final class PCC extends EvalMetric {
    private int k = 2;
    private double[][] local, global;

    public PCC() { this(Map.of()); }

    public PCC(Map<String, ?> params) {
        Kwargs kw = new Kwargs(params);
        super(kw, "pcc");
        kw.checkAllRead("PCC");
        reset();   // the base constructor's reset ran before k was set
    }

    @Override
    public void reset() {
        super.reset();
        global = new double[k][k];
        local = new double[k][k];
    }

    @Override
    public void resetLocal() {
        super.resetLocal();
        local = new double[k][k];
    }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int q = 0; q < labels.size(); q++) {
            HostArray label = HostArray.of(labels.get(q)), pred = HostArray.of(preds.get(q));
            int[] p;
            if (!pred.sameShape(label)) {
                p = pred.argmax(1);
            } else {
                p = new int[pred.size()];
                for (int i = 0; i < p.length; i++) p[i] = (int) pred.get(i);
            }
            checkLength(label.size(), p.length);
            int n = 0;
            for (int i = 0; i < p.length; i++) n = Math.max(n, Math.max(p[i], (int) label.get(i)));
            if (n >= k) grow(n + 1);
            for (int i = 0; i < p.length; i++) {
                local[p[i]][(int) label.get(i)]++;
                global[p[i]][(int) label.get(i)]++;
            }
        }
        numInst++;
        globalNumInst++;
    }

    private void grow(int size) {
        local = pad(local, size);
        global = pad(global, size);
        k = size;
    }

    private static double[][] pad(double[][] m, int size) {
        double[][] r = new double[size][size];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, r[i], 0, m.length);
        return r;
    }

    static double mcc(double[][] c) {
        int k = c.length;
        double n = 0, covXx = 0, covYy = 0, covXy = 0;
        double[] x = new double[k], y = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                n += c[i][j];
                x[i] += c[i][j];
                y[j] += c[i][j];
            }
        }
        for (int i = 0; i < k; i++) {
            covXx += x[i] * (n - x[i]);
            covYy += y[i] * (n - y[i]);
            covXy += c[i][i] * n - x[i] * y[i];
        }
        if (covXx == 0 || covYy == 0) return Double.NaN;
        return covXy / Math.sqrt(covXx * covYy);
    }

    @Override
    public Result get() { return Result.of(name, numInst == 0 ? Double.NaN : mcc(local)); }

    @Override
    public Result getGlobal() { return Result.of(name, globalNumInst == 0 ? Double.NaN : mcc(global)); }
}
