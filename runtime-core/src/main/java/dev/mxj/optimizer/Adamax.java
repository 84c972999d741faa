package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * AdaMax, Adam's infinity-norm variant, written with element-wise operators as in MXNet:
 * {@code g = clip(rescale_grad * grad + wd * w); m = beta1 m + (1 - beta1) g; u = max(beta2 u, |g|);
 * w -= lr / (1 - beta1^t) * m / u}. Arguments: {@code learning_rate} (0.002), {@code beta1} (0.9),
 * {@code beta2} (0.999). State {@code [m, u]}.
 */
public final class Adamax extends Optimizer {
    private final double beta1, beta2;

    public Adamax(Map<String, ?> params) {
        super(params, 0.002);
        beta1 = kw().getDouble("beta1", 0.9);
        beta2 = kw().getDouble("beta2", 0.999);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        double lr = getLr(index) / (1. - Math.pow(beta1, indexUpdateCount.get(index)));
        NDArray g = grad.mul(rescaleGrad).add(weight.mul(getWd(index)));
        if (clipGradient != null) g = op("clip", Map.of("a_min", -clipGradient, "a_max", clipGradient), g);
        state[0].muli(beta1).addi(g.mul(1. - beta1));
        state[1].set(op("broadcast_maximum", null, state[1].mul(beta2), op("abs", null, g)));
        weight.subi(state[0].div(state[1]).mul(lr));
    }
}
