package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * AdaGrad. For dense gradients MXNet writes it with element-wise operators, which this follows:
 * {@code g = clip(rescale_grad * grad); history += g^2; weight -= lr * (g / sqrt(history + eps) + wd * weight)}.
 * Argument {@code eps} (1e-7). State {@code [history]}.
 */
public final class AdaGrad extends Optimizer {
    private final double eps;

    public AdaGrad(Map<String, ?> params) {
        super(params, null);
        eps = kw().getDouble("eps", 1e-7);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        double lr = getLr(index);
        double wd = getWd(index);
        NDArray history = state[0];
        NDArray g = rescaledClipped(grad);
        history.addi(op("square", null, g));
        NDArray div = g.div(op("sqrt", null, history.add(eps)));
        weight.addi(div.add(weight.mul(wd)).mul(-lr));
    }
}
