package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * AdaDelta (Zeiler), written with element-wise operators as in MXNet; it uses no learning rate.
 * Arguments: {@code rho} (0.9), {@code epsilon} (1e-5). State {@code [acc_g, acc_delta]}.
 * Unlike MXNet, the caller's gradient array is not scaled in place.
 */
public final class AdaDelta extends Optimizer {
    private final double rho, epsilon;

    public AdaDelta(Map<String, ?> params) {
        super(params, null);
        rho = kw().getDouble("rho", 0.9);
        epsilon = kw().getDouble("epsilon", 1e-5);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        double wd = getWd(index);
        updateCount(index);
        NDArray g = rescaledClipped(grad);
        NDArray accG = state[0], accDelta = state[1];
        accG.muli(rho).addi(g.mul(g).mul(1. - rho));
        NDArray delta = op("sqrt", null, accDelta.add(epsilon)).div(op("sqrt", null, accG.add(epsilon))).mul(g);
        accDelta.muli(rho).addi(delta.mul(delta).mul(1. - rho));
        weight.subi(delta.add(weight.mul(wd)));
    }
}
