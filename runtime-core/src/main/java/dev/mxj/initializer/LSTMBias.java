package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/**
 * LSTM biases: all 0 except the forget gate's quarter (the second of the four gate blocks,
 * MXNet's i, f, c, o order), which gets {@code forget_bias} (1) so early training remembers.
 * Meant for {@code __init__} attributes or explicit use; its rule applies to any name.
 */
public final class LSTMBias extends Initializer {
    private final double forgetBias;

    public LSTMBias() { this(1.0); }

    public LSTMBias(double forgetBias) {
        this.forgetBias = forgetBias;
        kwargs.put("forget_bias", forgetBias);
    }

    LSTMBias(Map<String, ?> params) {
        Kwargs k = args(params);
        this(k.getDouble("forget_bias", 1.0));
        k.checkAllRead("LSTMBias");
    }

    @Override
    protected void initWeight(String name, NDArray arr) {
        arr.set(0);
        long h = arr.shape().dim(0) / 4;
        arr.slice(h, 2 * h).set(forgetBias);
    }
}
