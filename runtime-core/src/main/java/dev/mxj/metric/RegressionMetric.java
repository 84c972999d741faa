package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.List;
import java.util.Map;

/**
 * MAE, MSE and RMSE share this: per (label, prediction) pair the mean of an error over the
 * elements counts as one instance (MXNet 1.9 averages per batch, not per element). 1-d arrays
 * are taken as columns, and a (n, 1) side broadcasts against (n, k) as numpy would.
 */
abstract sealed class RegressionMetric extends EvalMetric permits MAE, MSE, RMSE {
    RegressionMetric(Map<String, ?> params, String defaultName, String owner) {
        Kwargs kw = new Kwargs(params);
        super(kw, defaultName);
        kw.checkAllRead(owner);
    }

    /** The error of one element pair. */
    abstract double error(double label, double pred);

    /** Maps the mean error of one batch to the metric (RMSE takes the square root). */
    double finish(double meanError) { return meanError; }

    @Override
    public void update(List<NDArray> labels, List<NDArray> preds) {
        checkCounts(labels, preds);
        for (int k = 0; k < labels.size(); k++) {
            HostArray l = HostArray.of(labels.get(k)), p = HostArray.of(preds.get(k));
            int rows = l.rows();
            if (p.rows() != rows && !(l.ndim() == 0 && p.ndim() == 0)) {
                throw new IllegalArgumentException("label rows " + rows + " and prediction rows " + p.rows() + " differ");
            }
            int lc = rows == 0 ? 0 : l.size() / Math.max(1, rows), pc = rows == 0 ? 0 : p.size() / Math.max(1, rows);
            if (lc != pc && lc != 1 && pc != 1) {
                throw new IllegalArgumentException("cannot broadcast label shape " + java.util.Arrays.toString(l.shape())
                        + " against prediction shape " + java.util.Arrays.toString(p.shape()));
            }
            int cols = Math.max(lc, pc);
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) sum += error(l.get(i * lc + (lc == 1 ? 0 : j)), p.get(i * pc + (pc == 1 ? 0 : j)));
            }
            add(finish(rows * cols == 0 ? Double.NaN : sum / (rows * cols)), 1);
        }
    }
}
