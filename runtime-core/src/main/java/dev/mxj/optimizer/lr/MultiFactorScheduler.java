package dev.mxj.optimizer.lr;

import java.util.Arrays;

/** Multiplies the rate by {@code factor} each time {@code num_update} passes one of the increasing {@code step} boundaries (MXNet's MultiFactorScheduler). */
public final class MultiFactorScheduler extends LRScheduler {
    private final int[] steps;
    private final double factor;
    private int curStep;

    public MultiFactorScheduler(int[] step, double factor) { this(step, factor, 0.01, 0, 0, "linear"); }

    public MultiFactorScheduler(int[] step, double factor, double baseLr, int warmupSteps, double warmupBeginLr, String warmupMode) {
        super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
        if (step.length < 1) throw new IllegalArgumentException("step must list at least one update count");
        for (int i = 0; i < step.length; i++) {
            if (i > 0 && step[i] <= step[i - 1]) throw new IllegalArgumentException("Schedule step must be an increasing integer list");
            if (step[i] < 1) throw new IllegalArgumentException("Schedule step must be greater or equal than 1 round");
        }
        if (factor > 1.0) throw new IllegalArgumentException("Factor must be no more than 1 to make lr reduce");
        this.steps = step.clone();
        this.factor = factor;
    }

    public int[] steps() { return Arrays.copyOf(steps, steps.length); }

    @Override
    public double call(int numUpdate) {
        if (numUpdate < warmupSteps) return warmupLr(numUpdate);
        while (curStep < steps.length && numUpdate > steps[curStep]) {
            curStep++;
            baseLr *= factor;
        }
        return baseLr;
    }

    @Override
    public double[] saveState() { return new double[] {baseLr, curStep}; }

    @Override
    public void restoreState(double[] state) {
        baseLr = state[0];
        curStep = (int) state[1];
    }
}
