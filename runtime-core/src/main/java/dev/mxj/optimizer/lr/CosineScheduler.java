package dev.mxj.optimizer.lr;

/**
 * {@code final_lr + (base_lr - final_lr) * (1 + cos(pi * (nup - warmup) / (max_update - warmup))) / 2}
 * up to {@code max_update}, then constant (MXNet's CosineScheduler).
 */
public final class CosineScheduler extends LRScheduler {
    private final int maxUpdate;
    private final double finalLr;
    private final double baseLrOrig;
    private final int maxSteps;

    public CosineScheduler(int maxUpdate) { this(maxUpdate, 0.01, 0, 0, 0, "linear"); }

    public CosineScheduler(int maxUpdate, double baseLr, double finalLr, int warmupSteps, double warmupBeginLr, String warmupMode) {
        super(baseLr, warmupSteps, warmupBeginLr, warmupMode);
        if (maxUpdate < 1) throw new IllegalArgumentException("maximum number of updates must be strictly positive");
        this.maxUpdate = maxUpdate;
        this.finalLr = finalLr;
        this.baseLrOrig = baseLr;
        this.maxSteps = maxUpdate - warmupSteps;
    }

    @Override
    public double call(int numUpdate) {
        if (numUpdate < warmupSteps) return warmupLr(numUpdate);
        if (numUpdate <= maxUpdate) {
            baseLr = finalLr + (baseLrOrig - finalLr) * (1 + Math.cos(Math.PI * (numUpdate - warmupSteps) / maxSteps)) / 2;
        }
        return baseLr;
    }
}
