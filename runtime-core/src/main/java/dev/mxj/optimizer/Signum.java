package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Signum ({@code signum_update}) or, with momentum 0, signSGD ({@code signsgd_update}).
 * Arguments: {@code learning_rate} (0.01), {@code momentum} (0.9), {@code wd_lh} (0). State {@code [mom]}.
 */
public final class Signum extends Optimizer {
    private final double momentum, wdLh;

    public Signum(Map<String, ?> params) {
        super(params, 0.01);
        momentum = kw().getDouble("momentum", 0.9);
        wdLh = kw().getDouble("wd_lh", 0.0);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) {
        return new NDArray[] {momentum != 0.0 ? zerosLike(weight) : null};
    }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        Map<String, Object> p = commonParams(getLr(index), getWd(index));
        if (state[0] != null) {
            if (momentum > 0) p.put("momentum", momentum);
            if (wdLh != 0) p.put("wd_lh", wdLh);
            fused("signum_update", weight, p, weight, grad, state[0]);
        } else {
            fused("signsgd_update", weight, p, weight, grad);
        }
    }
}
