package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/** Weights uniform in [-scale, scale) ({@code scale} 0.07). */
public final class Uniform extends Initializer {
    private final double scale;

    public Uniform() { this(0.07); }

    public Uniform(double scale) {
        this.scale = scale;
        kwargs.put("scale", scale);
    }

    Uniform(Map<String, ?> params) {
        Kwargs k = args(params);
        this(k.getDouble("scale", 0.07));
        k.checkAllRead("Uniform");
    }

    @Override
    protected void initWeight(String name, NDArray arr) { uniform(arr, -scale, scale); }
}
