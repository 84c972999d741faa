package dev.mxj.optimizer.lr;

/**
 * A learning rate as a function of the update count (MXNet's {@code mx.lr_scheduler.LRScheduler}).
 *
 * <p>{@code num_update} is the largest number of updates any weight has had; before
 * {@code warmup_steps} the rate ramps from {@code warmup_begin_lr} to {@code base_lr}
 * ({@code linear}) or stays at {@code warmup_begin_lr} ({@code constant}). Schedulers are
 * stateful as in MXNet (FactorScheduler lowers {@code base_lr} as it goes), so one scheduler
 * belongs to one optimizer.
 */
public abstract class LRScheduler {
    /** MXNet's warm-up modes. */
    public enum WarmupMode { LINEAR, CONSTANT;
        static WarmupMode parse(String s) {
            return switch (s) {
                case "linear" -> LINEAR;
                case "constant" -> CONSTANT;
                default -> throw new IllegalArgumentException("Supports only linear and constant modes of warmup, got '" + s + "'");
            };
        }
    }

    protected double baseLr;
    protected final int warmupSteps;
    protected final double warmupBeginLr;
    protected final double warmupFinalLr;
    protected final WarmupMode warmupMode;

    protected LRScheduler(double baseLr, int warmupSteps, double warmupBeginLr, String warmupMode) {
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.warmupFinalLr = baseLr;
        this.warmupBeginLr = warmupBeginLr;
        if (warmupBeginLr > warmupFinalLr) throw new IllegalArgumentException("Base lr has to be higher than warmup_begin_lr");
        if (warmupSteps < 0) throw new IllegalArgumentException("Warmup steps has to be positive or 0");
        this.warmupMode = WarmupMode.parse(warmupMode);
    }

    /** The learning rate after {@code numUpdate} updates (MXNet's {@code __call__}). */
    public abstract double call(int numUpdate);

    public double baseLr() { return baseLr; }

    /** Overrides the base rate; the optimizer does this when given both a scheduler and a learning_rate, as MXNet does. */
    public void setBaseLr(double lr) { this.baseLr = lr; }

    /** The mutable part (the current base rate and position), saved with optimizer state. */
    public double[] saveState() { return new double[] {baseLr}; }

    public void restoreState(double[] state) { baseLr = state[0]; }

    protected double warmupLr(int numUpdate) {
        if (warmupMode == WarmupMode.CONSTANT) return warmupBeginLr;
        return warmupBeginLr + (warmupFinalLr - warmupBeginLr) * numUpdate / (double) warmupSteps;
    }
}
