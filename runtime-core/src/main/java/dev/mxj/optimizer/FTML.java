package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Follow the Moving Leader ({@code ftml_update}, whose clipping parameter is {@code clip_grad}).
 * Arguments: {@code beta1} (0.6), {@code beta2} (0.999), {@code epsilon} (1e-8). State {@code [d, v, z]}.
 */
public final class FTML extends Optimizer {
    private final double beta1, beta2, epsilon;

    public FTML(Map<String, ?> params) {
        super(params, null);
        beta1 = kw().getDouble("beta1", 0.6);
        beta2 = kw().getDouble("beta2", 0.999);
        epsilon = kw().getDouble("epsilon", 1e-8);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("lr", getLr(index));
        p.put("wd", getWd(index));
        p.put("beta1", beta1);
        p.put("beta2", beta2);
        p.put("epsilon", epsilon);
        p.put("rescale_grad", rescaleGrad);
        p.put("t", indexUpdateCount.get(index));
        if (clipOn()) p.put("clip_grad", clipGradient);
        fused("ftml_update", weight, p, weight, grad, state[0], state[1], state[2]);
    }
}
