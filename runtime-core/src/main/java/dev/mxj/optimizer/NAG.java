package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Nesterov accelerated gradient ({@code nag_mom_update}; {@code sgd_update} without momentum;
 * {@code mp_nag_mom_update}/{@code mp_sgd_update} for float16 with multi_precision, state {@code [mom, weight32]}).
 */
public final class NAG extends Optimizer {
    private final double momentum;

    public NAG(Map<String, ?> params) {
        super(params, null);
        momentum = kw().getDouble("momentum", 0.0);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) {
        return new NDArray[] {momentum != 0.0 ? zerosLike(weight) : null};
    }

    @Override
    public NDArray[] createStateMultiPrecision(int index, NDArray weight) { return createStateMasterCopyLast(index, weight); }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) { step(index, weight, grad, state, false); }

    @Override
    public void updateMultiPrecision(int index, NDArray weight, NDArray grad, NDArray[] state) {
        step(index, weight, grad, state, useMultiPrecision(weight) && state.length == 2);
    }

    private void step(int index, NDArray weight, NDArray grad, NDArray[] state, boolean mp) {
        updateCount(index);
        Map<String, Object> p = commonParams(getLr(index), getWd(index));
        if (momentum > 0) p.put("momentum", momentum);
        NDArray mom = state[0];
        if (!mp) {
            if (mom != null) fused("nag_mom_update", weight, p, weight, grad, mom);
            else fused("sgd_update", weight, p, weight, grad);
        } else {
            if (mom != null) fused("mp_nag_mom_update", weight, p, weight, grad, mom, state[1]);
            else fused("mp_sgd_update", weight, p, weight, grad, state[1]);
        }
    }
}
