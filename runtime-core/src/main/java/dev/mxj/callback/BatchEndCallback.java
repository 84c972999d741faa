package dev.mxj.callback;

/** Called after each batch of {@code fit} or {@code score} (MXNet's {@code batch_end_callback}). */
@FunctionalInterface
public interface BatchEndCallback {
    void call(BatchEndParam param);
}
