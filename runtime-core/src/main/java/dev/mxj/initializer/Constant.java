package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/** Weights to a constant {@code value} (required). */
public final class Constant extends Initializer {
    private final double value;

    public Constant(double value) {
        this.value = value;
        kwargs.put("value", value);
    }

    Constant(Map<String, ?> params) {
        Kwargs k = args(params);
        if (!k.has("value")) throw new IllegalArgumentException("Constant requires the argument 'value'");
        this.value = k.getDouble("value", 0.0);
        k.checkAllRead("Constant");
        kwargs.put("value", params.get("value") instanceof Number n ? n : value);
    }

    @Override
    protected void initWeight(String name, NDArray arr) { arr.set(value); }
}
