package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * FTRL-Proximal ({@code ftrl_update}). Arguments: {@code lamda1} (0.01), {@code learning_rate}
 * (0.1), {@code beta} (1). State {@code [z, n]}.
 */
public final class Ftrl extends Optimizer {
    private final double lamda1, beta;

    public Ftrl(Map<String, ?> params) {
        super(withoutLr(params), null);
        lr = new Kwargs(params).getDouble("learning_rate", 0.1);
        lamda1 = kw().getDouble("lamda1", 0.01);
        beta = kw().getDouble("beta", 1.0);
        checkArgs();
    }

    /** MXNet's Ftrl keeps learning_rate to itself (it never reaches the base class or the scheduler). */
    private static Map<String, ?> withoutLr(Map<String, ?> params) {
        Map<String, Object> m = new java.util.HashMap<>(params);
        m.remove("learning_rate");
        return m;
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        Map<String, Object> p = commonParams(getLr(index), getWd(index));
        p.put("lamda1", lamda1);
        p.put("beta", beta);
        fused("ftrl_update", weight, p, weight, grad, state[0], state[1]);
    }
}
