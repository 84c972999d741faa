package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;

import java.util.Map;

/**
 * LARS (You et al.): SGD whose per-layer rate is scaled by the trust ratio
 * {@code eta * ||w|| / (||rescale_grad * g|| + wd * ||w|| + eps)} (1 when either norm is 0);
 * parameters named {@code *gamma}, {@code *beta} or {@code *bias} keep the plain rate. With
 * {@code momentum_correction} the momentum is scaled by {@code lr_t / lr_(t-1)}.
 * Arguments: {@code momentum} (0), {@code lazy_update} (true), {@code eta} (0.001), {@code eps} (0),
 * {@code momentum_correction} (true). As in MXNet only names ending in {@code _weight} get weight decay by default.
 */
public final class LARS extends SGD {
    private final double eta, eps;
    private final boolean momentumCorrection;
    private Double lastLr, curLr;

    public LARS(Map<String, ?> params) {
        super(params);
        eta = kw().getDouble("eta", 0.001);
        eps = kw().getDouble("eps", 0.0);
        momentumCorrection = kw().getBool("momentum_correction", true);
        checkArgs();
    }

    /** One weight at a time: the trust ratio needs each layer's norms (MXNet's multi_lars path gives the same numbers). */
    @Override
    public int aggregateNum() { return 0; }

    @Override
    public void updateMultiPrecision(int[] indices, NDArray[] weights, NDArray[] grads, NDArray[][] states) {
        for (int i = 0; i < indices.length; i++) updateMultiPrecision(indices[i], weights[i], grads[i], states[i]);
    }

    @Override
    protected boolean decayedByDefault(String name) { return name.endsWith("_weight"); }

    @Override
    public double getLr(int index) {
        double base = learningRate();
        lastLr = curLr != null ? curLr : base;
        curLr = base;
        return super.getLr(index);
    }

    @Override
    protected double stepMomentum() {
        return momentumCorrection && lastLr != 0 ? momentum * (curLr / lastLr) : momentum;
    }

    @Override
    protected double stepLr(int index, NDArray weight, NDArray grad, double lr, double wd) {
        String name = idx2name.getOrDefault(index, Integer.toString(index));
        if (name.endsWith("gamma") || name.endsWith("beta") || name.endsWith("bias")) return lr;
        double wNorm = norm(weight, 1.0);
        double gNorm = norm(grad, rescaleGrad);
        double lars = wNorm > 0 && gNorm > 0 ? eta * wNorm / (gNorm + wd * wNorm + eps) : 1.0;
        return lars * lr;
    }

    private static double norm(NDArray v, double scale) {
        NDArray f = v.asType(DType.FLOAT32);
        if (scale != 1.0) f = f.mul(scale);
        return op("norm", null, f).asScalar();
    }

    @Override
    protected double[] extraState() {
        return new double[] {lastLr == null ? Double.NaN : lastLr, curLr == null ? Double.NaN : curLr};
    }

    @Override
    protected void restoreExtraState(double[] values) {
        if (values.length != 2) return;
        lastLr = Double.isNaN(values[0]) ? null : values[0];
        curLr = Double.isNaN(values[1]) ? null : values[1];
    }
}
