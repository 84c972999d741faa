package dev.mxj.optimizer.lr;

/**
 * {@code base_lr * factor^floor(num_update / step)}, never below {@code stop_factor_lr}
 * (MXNet's FactorScheduler: a step happens once {@code num_update} exceeds the next multiple of step).
 */
public final class FactorScheduler extends LRScheduler {
    private final int step;
    private final double factor;
    private final double stopFactorLr;
    private int count;

    public FactorScheduler(int step) { this(step, 1, 1e-8, 0.01, 0, 0, "linear"); }

    public FactorScheduler(int step, double factor) { this(step, factor, 1e-8, 0.01, 0, 0, "linear"); }

    public FactorScheduler(int step, double factor, double stopFactorLr, double baseLr, int warmupSteps, double warmupBeginLr, String warmupMode) {
        super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
        if (step < 1) throw new IllegalArgumentException("Schedule step must be greater or equal than 1 round");
        if (factor > 1.0) throw new IllegalArgumentException("Factor must be no more than 1 to make lr reduce");
        this.step = step;
        this.factor = factor;
        this.stopFactorLr = stopFactorLr;
    }

    @Override
    public double call(int numUpdate) {
        if (numUpdate < warmupSteps) return warmupLr(numUpdate);
        while (numUpdate > count + step) {
            count += step;
            baseLr = Math.max(baseLr * factor, stopFactorLr);
        }
        return baseLr;
    }

    @Override
    public double[] saveState() { return new double[] {baseLr, count}; }

    @Override
    public void restoreState(double[] state) {
        baseLr = state[0];
        count = (int) state[1];
    }
}
