package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum ({@code sgd_update} / {@code sgd_mom_update};
 * {@code mp_sgd_*} for float16 weights with multi_precision, whose state is {@code [mom, weight32]}).
 * Arguments: {@code momentum} (0), {@code lazy_update} (true) plus the common ones.
 */
public class SGD extends Optimizer {
    protected final double momentum;
    protected final boolean lazyUpdate;
    private final int aggregateNum = aggregationSizeFromEnv();

    public SGD(Map<String, ?> params) {
        super(params, null);
        momentum = kw().getDouble("momentum", 0.0);
        lazyUpdate = kw().getBool("lazy_update", true);
        if (getClass() == SGD.class) checkArgs();
    }

    public SGD() { this(Map.of()); }

    @Override
    public NDArray[] createState(int index, NDArray weight) {
        return new NDArray[] {momentum != 0.0 ? zerosLike(weight) : null};
    }

    /** MXNet's SGD keeps the master copy last: {@code [mom, weight32]}. */
    @Override
    public NDArray[] createStateMultiPrecision(int index, NDArray weight) { return createStateMasterCopyLast(index, weight); }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) { step(index, weight, grad, state, false); }

    @Override
    public void updateMultiPrecision(int index, NDArray weight, NDArray grad, NDArray[] state) {
        step(index, weight, grad, state, useMultiPrecision(weight));
    }

    @Override
    public int aggregateNum() { return aggregateNum; }

    /**
     * One {@code multi_sgd_update} / {@code multi_sgd_mom_update} (or their {@code multi_mp_*}
     * forms) for all the weights, with per-weight rates and decays: the same numbers as one
     * update per weight, in one operator call.
     */
    @Override
    public void updateMultiPrecision(int[] indices, NDArray[] weights, NDArray[] grads, NDArray[][] states) {
        int n = indices.length;
        if (n == 1) {
            updateMultiPrecision(indices[0], weights[0], grads[0], states[0]);
            return;
        }
        boolean mp = useMultiPrecision(weights[0]);
        double[] lrs = new double[n], wds = new double[n];
        for (int i = 0; i < n; i++) {
            updateCount(indices[i]);
            lrs[i] = getLr(indices[i]);
            wds[i] = getWd(indices[i]);
        }
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("lrs", lrs);
        p.put("wds", wds);
        p.put("num_weights", n);
        p.put("rescale_grad", rescaleGrad);
        if (clipOn()) p.put("clip_gradient", clipGradient);
        boolean mom = momentum > 0;
        if (mom) p.put("momentum", momentum);
        java.util.List<NDArray> in = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.add(weights[i]);
            in.add(grads[i]);
            if (mom) in.add(states[i][0]);
            if (mp) in.add(states[i][1]);
        }
        String op = "multi_" + (mp ? "mp_" : "") + (mom ? "sgd_mom_update" : "sgd_update");
        dev.mxj.ndarray.Imperative.invoke(op, in.toArray(NDArray[]::new), p, weights);
    }

    /** The rate this step uses for {@code index}; LARS scales it by the layer-wise trust ratio. */
    protected double stepLr(int index, NDArray weight, NDArray grad, double lr, double wd) { return lr; }

    protected double stepMomentum() { return momentum; }

    private void step(int index, NDArray weight, NDArray grad, NDArray[] state, boolean mp) {
        updateCount(index);
        double wd = getWd(index);
        double lr = stepLr(index, weight, grad, getLr(index), wd);
        Map<String, Object> p = commonParams(lr, wd);
        if (momentum > 0) p.put("momentum", stepMomentum());
        NDArray mom = state[0];
        if (!mp) {
            p.put("lazy_update", lazyUpdate);
            if (mom != null) fused("sgd_mom_update", weight, p, weight, grad, mom);
            else fused("sgd_update", weight, p, weight, grad);
        } else {
            NDArray w32 = state[1];
            if (mom != null) fused("mp_sgd_mom_update", weight, p, weight, grad, mom, w32);
            else fused("mp_sgd_update", weight, p, weight, grad, w32);
        }
    }
}
