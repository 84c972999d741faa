package dev.mxj.callback;

import java.util.function.Consumer;

/** {@code mx.callback.ProgressBar(total, length=80)}: {@code [=====-----] 50%} after each batch. */
public final class ProgressBar implements BatchEndCallback {
    private final int total, length;
    private final Consumer<String> sink;

    public ProgressBar(int total) { this(total, 80, Callbacks.DEFAULT_SINK); }

    public ProgressBar(int total, int length, Consumer<String> sink) {
        if (total < 1 || length < 1) throw new IllegalArgumentException("ProgressBar: total and length must be positive, got " + total + ", " + length);
        this.total = total;
        this.length = length;
        this.sink = sink;
    }

    @Override public void call(BatchEndParam param) {
        int count = param.nbatch();
        int filled = (int) Math.rint(length * count / (double) total); // Python 3 round(): half to even
        filled = Math.max(0, Math.min(length, filled));
        long percents = (long) Math.ceil(100.0 * count / total);
        sink.accept("[" + "=".repeat(filled) + "-".repeat(length - filled) + "] " + percents + "%\r");
    }
}
