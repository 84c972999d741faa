package dev.mxj.callback;

import dev.mxj.ndarray.NDArray;
import dev.mxj.symbol.Symbol;

import java.util.Map;

/** Called after each epoch of {@code fit} with the epoch number and the current parameters (MXNet's {@code epoch_end_callback}). */
@FunctionalInterface
public interface EpochEndCallback {
    void call(int epoch, Symbol symbol, Map<String, NDArray> argParams, Map<String, NDArray> auxParams);
}
