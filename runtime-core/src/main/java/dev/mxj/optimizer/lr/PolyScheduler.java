package dev.mxj.optimizer.lr;

/**
 * {@code final_lr + (base_lr - final_lr) * (1 - (nup - warmup) / (max_update - warmup))^pwr}
 * up to {@code max_update}, then constant (MXNet's PolyScheduler).
 */
public final class PolyScheduler extends LRScheduler {
    private final int maxUpdate;
    private final double power;
    private final double finalLr;
    private final double baseLrOrig;
    private final int maxSteps;

    public PolyScheduler(int maxUpdate) { this(maxUpdate, 0.01, 2, 0, 0, 0, "linear"); }

    public PolyScheduler(int maxUpdate, double baseLr, double pwr, double finalLr, int warmupSteps, double warmupBeginLr, String warmupMode) {
        super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
        if (maxUpdate < 1) throw new IllegalArgumentException("maximum number of updates must be strictly positive");
        this.maxUpdate = maxUpdate;
        this.power = pwr;
        this.finalLr = finalLr;
        this.baseLrOrig = baseLr;
        this.maxSteps = maxUpdate - warmupSteps;
    }

    @Override
    public double call(int numUpdate) {
        if (numUpdate < warmupSteps) return warmupLr(numUpdate);
        if (numUpdate <= maxUpdate) {
            baseLr = finalLr + (baseLrOrig - finalLr) * Math.pow(1 - (double) (numUpdate - warmupSteps) / maxSteps, power);
        }
        return baseLr;
    }
}
