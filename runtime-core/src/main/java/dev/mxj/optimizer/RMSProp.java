package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * RMSProp: {@code rmsprop_update} (Tieleman and Hinton, state {@code [n]}) or, with
 * {@code centered}, {@code rmspropalex_update} (Graves, state {@code [n, g, delta]}).
 * Arguments: {@code learning_rate} (0.001), {@code gamma1} (0.9), {@code gamma2} (0.9),
 * {@code epsilon} (1e-8), {@code centered} (false), {@code clip_weights} (None).
 */
public final class RMSProp extends Optimizer {
    private final double gamma1, gamma2, epsilon;
    private final boolean centered;
    private final Double clipWeights;

    public RMSProp(Map<String, ?> params) {
        super(params, 0.001);
        gamma1 = kw().getDouble("gamma1", 0.9);
        gamma2 = kw().getDouble("gamma2", 0.9);
        epsilon = kw().getDouble("epsilon", 1e-8);
        centered = kw().getBool("centered", false);
        clipWeights = kw().getDouble("clip_weights", (Double) null);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) {
        return centered ? new NDArray[] {zerosLike(weight), zerosLike(weight), zerosLike(weight)} : new NDArray[] {zerosLike(weight)};
    }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        Map<String, Object> p = commonParams(getLr(index), getWd(index));
        p.put("gamma1", gamma1);
        p.put("epsilon", epsilon);
        if (clipWeights != null && clipWeights != 0) p.put("clip_weights", clipWeights);
        if (!centered) {
            fused("rmsprop_update", weight, p, weight, grad, state[0]);
        } else {
            p.put("gamma2", gamma2);
            fused("rmspropalex_update", weight, p, weight, grad, state[0], state[1], state[2]);
        }
    }
}
