package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Adam ({@code adam_update}); bias correction folds into the rate,
 * {@code lr * sqrt(1 - beta2^t) / (1 - beta1^t)}, as MXNet does. State {@code [mean, var]}.
 * Arguments: {@code learning_rate} (0.001), {@code beta1} (0.9), {@code beta2} (0.999),
 * {@code epsilon} (1e-8), {@code lazy_update} (true).
 */
public final class Adam extends Optimizer {
    private final double beta1, beta2, epsilon;
    private final boolean lazyUpdate;

    public Adam(Map<String, ?> params) {
        super(params, 0.001);
        beta1 = kw().getDouble("beta1", 0.9);
        beta2 = kw().getDouble("beta2", 0.999);
        epsilon = kw().getDouble("epsilon", 1e-8);
        lazyUpdate = kw().getBool("lazy_update", true);
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
        lr *= adamBiasCorrection(beta1, beta2, t);
        Map<String, Object> p = commonParams(lr, wd);
        p.put("beta1", beta1);
        p.put("beta2", beta2);
        p.put("epsilon", epsilon);
        p.put("lazy_update", lazyUpdate);
        fused("adam_update", weight, p, weight, grad, state[0], state[1]);
    }
}
