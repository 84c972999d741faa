package dev.mxj.optimizer;

import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Stochastic gradient Langevin dynamics: {@code w += -lr/2 * (clip(rescale_grad * grad) + wd * w) + N(0, sqrt(lr))},
 * the noise drawn through the device's generator (so {@code Random.seed} reproduces it). No state.
 */
public final class SGLD extends Optimizer {
    public SGLD(Map<String, ?> params) {
        super(params, null);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[0]; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        double lr = getLr(index);
        double wd = getWd(index);
        NDArray g = rescaledClipped(grad);
        weight.addi(g.add(weight.mul(wd)).mul(-lr / 2));
        NDArray noise = Imperative.invoke1("_random_normal_like", new NDArray[] {weight}, Map.of("loc", 0.0, "scale", Math.sqrt(lr)), null);
        weight.addi(noise);
    }
}
