package dev.mxj.optimizer;

import dev.mxj.ndarray.NDArray;

import java.util.Map;

/**
 * Nesterov Adam (Dozat), with element-wise operators as in MXNet; the momentum schedule
 * {@code m_schedule} is one product shared by all parameters, as MXNet keeps it. Arguments:
 * {@code learning_rate} (0.001), {@code beta1} (0.9), {@code beta2} (0.999), {@code epsilon}
 * (1e-8), {@code schedule_decay} (0.004). State {@code [m, v]}; the schedule is saved with it.
 */
public final class Nadam extends Optimizer {
    private final double beta1, beta2, epsilon, scheduleDecay;
    private double mSchedule = 1;

    public Nadam(Map<String, ?> params) {
        super(params, 0.001);
        beta1 = kw().getDouble("beta1", 0.9);
        beta2 = kw().getDouble("beta2", 0.999);
        epsilon = kw().getDouble("epsilon", 1e-8);
        scheduleDecay = kw().getDouble("schedule_decay", 0.004);
        checkArgs();
    }

    @Override
    public NDArray[] createState(int index, NDArray weight) { return new NDArray[] {zerosLike(weight), zerosLike(weight)}; }

    @Override
    public void update(int index, NDArray weight, NDArray grad, NDArray[] state) {
        updateCount(index);
        double lr = getLr(index);
        int t = indexUpdateCount.get(index);
        NDArray g = grad.mul(rescaleGrad).add(weight.mul(getWd(index)));
        if (clipGradient != null) g = op("clip", Map.of("a_min", -clipGradient, "a_max", clipGradient), g);
        double momT = beta1 * (1. - 0.5 * Math.pow(0.96, t * scheduleDecay));
        double momT1 = beta1 * (1. - 0.5 * Math.pow(0.96, (t + 1) * scheduleDecay));
        mSchedule *= momT;
        double mScheduleNext = mSchedule * momT1;
        NDArray m = state[0], v = state[1];
        m.muli(beta1).addi(g.mul(1. - beta1));
        v.muli(beta2).addi(g.mul(g).mul(1. - beta2));
        NDArray gPrime = g.div(1. - mSchedule);
        NDArray mPrime = m.div(1. - mScheduleNext);
        NDArray vPrime = v.div(1. - Math.pow(beta2, t));
        NDArray mBar = gPrime.mul(1. - momT).add(mPrime.mul(momT1));
        weight.subi(mBar.div(op("sqrt", null, vPrime).add(epsilon)).mul(lr));
    }

    @Override
    protected double[] extraState() { return new double[] {mSchedule}; }

    @Override
    protected void restoreExtraState(double[] values) { if (values.length == 1) mSchedule = values[0]; }
}
