package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * LAMB (You et al.): {@code lamb_update_phase1} gives the Adam-style direction g, then
 * {@code lamb_update_phase2} scales the step by the trust ratio ||w|| / ||g||
 * ({@code mp_lamb_*} for float16 with multi_precision, state {@code [weight32, [mean, var]...]}).
 * Arguments: {@code learning_rate} (0.001), {@code beta1} (0.9), {@code beta2} (0.999),
 * {@code epsilon} (1e-6), {@code lower_bound}/{@code upper_bound} (None), {@code bias_correction} (true).
 */
public final class LAMB extends Optimizer {
    private final double beta1, beta2, epsilon;
    private final Double lowerBound, upperBound;
    private final boolean biasCorrection;

    public LAMB(Map<String, ?> params) {
        super(params, 0.001);
        beta1 = kw().getDouble("beta1", 0.9);
        beta2 = kw().getDouble("beta2", 0.999);
        epsilon = kw().getDouble("epsilon", 1e-6);
        lowerBound = kw().getDouble("lower_bound", (Double) null);
        upperBound = kw().getDouble("upper_bound", (Double) null);
        biasCorrection = kw().getBool("bias_correction", true);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) { step(index, weight, grad, state, false); }

    @Override
    public void updateMultiPrecision(int index, NDArray weight, NDArray grad, NDArray[] state) {
        step(index, weight, grad, state, useMultiPrecision(weight));
    }

    private void step(int index, NDArray weight, NDArray grad, NDArray[] state, boolean mp) {
        updateCount(index);
        double lr = getLr(index);
        double wd = getWd(index);
        Map<String, Object> p1 = new HashMap<>();
        p1.put("beta1", beta1);
        p1.put("beta2", beta2);
        p1.put("epsilon", epsilon);
        p1.put("bias_correction", biasCorrection);
        p1.put("rescale_grad", rescaleGrad);
        p1.put("t", indexUpdateCount.get(index));
        p1.put("wd", wd);
        if (clipOn()) p1.put("clip_gradient", clipGradient);
        Map<String, Object> p2 = new HashMap<>();
        p2.put("lr", lr);
        if (lowerBound != null && lowerBound != 0) p2.put("lower_bound", lowerBound);
        if (upperBound != null && upperBound != 0) p2.put("upper_bound", upperBound);
        if (mp) {
            NDArray w32 = state[0];
            NDArray g = op("mp_lamb_update_phase1", p1, weight, grad, state[1], state[2], w32);
            fused("mp_lamb_update_phase2", weight, p2, weight, g, op("norm", null, w32), op("norm", null, g), w32);
        } else {
            NDArray g = op("lamb_update_phase1", p1, weight, grad, state[0], state[1]);
            fused("lamb_update_phase2", weight, p2, weight, g, op("norm", null, weight), op("norm", null, g));
        }
    }
}
