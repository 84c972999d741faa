package dev.mxj.callback;

import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code mx.callback.Speedometer(batch_size, frequent=50, auto_reset=True)}: every
 * {@code frequent} batches, logs throughput and the training metric in MXNet's line,
 * {@code Epoch[0] Batch [100-150]\tSpeed: 1234.56 samples/sec\taccuracy=0.912500}; with
 * {@code autoReset} the metric's local statistics restart after each line (the epoch's global
 * figure is unaffected). The first call of an epoch only starts the clock.
 */
public final class Speedometer implements BatchEndCallback {
    private final int batchSize, frequent;
    private final boolean autoReset;
    private final Consumer<String> sink;
    private final LongSupplier clock;
    private boolean init;
    private long tic;
    private int lastCount;

    public Speedometer(int batchSize) { this(batchSize, 50, true); }

    public Speedometer(int batchSize, int frequent, boolean autoReset) { this(batchSize, frequent, autoReset, Callbacks.DEFAULT_SINK, System::nanoTime); }

    /** With a log sink and a nanosecond clock (tests). */
    public Speedometer(int batchSize, int frequent, boolean autoReset, Consumer<String> sink, LongSupplier clockNanos) {
        if (batchSize < 1 || frequent < 1) throw new IllegalArgumentException("Speedometer: batch_size and frequent must be positive, got " + batchSize + ", " + frequent);
        this.batchSize = batchSize;
        this.frequent = frequent;
        this.autoReset = autoReset;
        this.sink = sink;
        this.clock = clockNanos;
    }

    @Override public void call(BatchEndParam param) {
        int count = param.nbatch();
        if (lastCount > count) init = false;
        lastCount = count;
        if (!init) {
            init = true;
            tic = clock.getAsLong();
            return;
        }
        if (count % frequent != 0) return;
        double secs = (clock.getAsLong() - tic) / 1e9;
        double speed = secs <= 0 ? Double.POSITIVE_INFINITY : frequent * batchSize / secs;
        StringBuilder msg = new StringBuilder();
        if (param.evalMetric() != null) {
            var nv = param.evalMetric().getNameValue();
            if (autoReset) {
                param.evalMetric().resetLocal();
                msg.append(String.format(Locale.ROOT, "Epoch[%d] Batch [%d-%d]\tSpeed: %s samples/sec", param.epoch(), count - frequent, count, Callbacks.fixed(speed, 2)));
            } else {
                msg.append(String.format(Locale.ROOT, "Epoch[%d] Batch [0-%d]\tSpeed: %s samples/sec", param.epoch(), count, Callbacks.fixed(speed, 2)));
            }
            for (Map.Entry<String, Double> e : nv) msg.append('\t').append(e.getKey()).append('=').append(Callbacks.f(e.getValue()));
        } else {
            msg.append(String.format(Locale.ROOT, "Iter[%d] Batch [%d]\tSpeed: %s samples/sec", param.epoch(), count, Callbacks.fixed(speed, 2)));
        }
        sink.accept(msg.toString());
        tic = clock.getAsLong();
    }
}
