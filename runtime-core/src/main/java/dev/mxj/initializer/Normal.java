package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/** Weights normal with mean 0 and standard deviation {@code sigma} (0.01). */
public final class Normal extends Initializer {
    private final double sigma;

    public Normal() { this(0.01); }

    public Normal(double sigma) {
        this.sigma = sigma;
        kwargs.put("sigma", sigma);
    }

    Normal(Map<String, ?> params) {
        Kwargs k = args(params);
        this(k.getDouble("sigma", 0.01));
        k.checkAllRead("Normal");
    }

    @Override
    protected void initWeight(String name, NDArray arr) { normal(arr, 0, sigma); }
}
