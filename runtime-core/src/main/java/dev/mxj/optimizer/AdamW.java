package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.util.Map;

/**
 * Adam with decoupled weight decay ({@code _adamw_update}). MXNet 1.9 has the operator but no
 * optimizer class; this follows MXNet 2.0's {@code AdamW} fused step: {@code eta} is the
 * (bias-corrected, with {@code correct_bias}) rate, the operator's {@code lr} is 1, so
 * {@code weight -= eta * (mean / (sqrt(var) + epsilon) + wd * weight)}. rescale_grad travels as
 * a one-element array, and a NaN/infinite/zero value skips the step (the operator's rule).
 * Arguments: {@code learning_rate} (0.001), {@code beta1} (0.9), {@code beta2} (0.999),
 * {@code epsilon} (1e-6), {@code correct_bias} (true). State {@code [mean, var]}.
 */
public final class AdamW extends Optimizer {
    private final double beta1, beta2, epsilon;
    private final boolean correctBias;
    /** rescale_grad as the one-element array the operator takes, rebuilt only when it or the context changes. */
    private NDArray rescaleArray;
    private double rescaleArrayValue;

    public AdamW(Map<String, ?> params) {
        super(params, 0.001);
        beta1 = kw().getDouble("beta1", 0.9);
        beta2 = kw().getDouble("beta2", 0.999);
        epsilon = kw().getDouble("epsilon", 1e-6);
        correctBias = kw().getBool("correct_bias", true);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        double lr = getLr(index);
        double wd = getWd(index);
        int t = indexUpdateCount.get(index);
        if (correctBias) lr *= adamBiasCorrection(beta1, beta2, t);
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("lr", 1.0);
        p.put("eta", lr);
        p.put("wd", wd);
        p.put("beta1", beta1);
        p.put("beta2", beta2);
        p.put("epsilon", epsilon);
        if (clipOn()) p.put("clip_gradient", clipGradient);
        fused("_adamw_update", weight, p, weight, grad, state[0], state[1], rescaleArray(weight));
    }

    private NDArray rescaleArray(NDArray weight) {
        if (rescaleArray == null || !rescaleArray.context().equals(weight.context()) || rescaleArrayValue != rescaleGrad) {
            rescaleArray = NDScope.detach(NDArray.full(Shape.of(1), rescaleGrad, DType.FLOAT32, weight.context()));
            rescaleArrayValue = rescaleGrad;
        }
        return rescaleArray;
    }
}
