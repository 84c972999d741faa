package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Delay-compensated asynchronous SGD (Zheng et al.): the step adds
 * {@code lamda * g^2 * (w - w_previous)} to the gradient to offset stale weights. Arguments:
 * {@code momentum} (0), {@code lamda} (0.04). State {@code [mom or null, previous weight]}.
 */
public final class DCASGD extends Optimizer {
    private final double momentum, lamda;

    public DCASGD(Map<String, ?> params) {
        super(params, null);
        momentum = kw().getDouble("momentum", 0.0);
        lamda = kw().getDouble("lamda", 0.04);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) {
        return new NDArray[] {momentum == 0.0 ? null : zerosLike(weight), weight.copy()};
    }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        double lr = getLr(index);
        double wd = getWd(index);
        NDArray g = rescaledClipped(grad);
        NDArray prev = state[1];
        NDArray step = g.add(weight.mul(wd)).add(g.mul(g).mul(weight.sub(prev)).mul(lamda)).mul(-lr);
        NDArray mom = state[0];
        if (mom != null) {
            mom.muli(momentum).addi(step);
            step = mom;
        }
        prev.set(weight);
        weight.addi(step);
    }
}
