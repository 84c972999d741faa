package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/**
 * Xavier/Glorot: with {@code fan_in = shape[1] * prod(shape[2:])}, {@code fan_out = shape[0] * prod(shape[2:])}
 * and {@code factor} their average, fan_in or fan_out ({@code factor_type} avg/in/out), the
 * scale is {@code sqrt(magnitude / factor)}; weights are uniform in [-scale, scale)
 * ({@code rnd_type} "uniform") or normal with standard deviation scale ("gaussian").
 * Defaults: uniform, avg, magnitude 3.
 */
public class Xavier extends Initializer {
    private final String rndType;
    private final String factorType;
    private final double magnitude;

    public Xavier() { this("uniform", "avg", 3); }

    public Xavier(String rndType, String factorType, double magnitude) {
        if (!rndType.equals("uniform") && !rndType.equals("gaussian")) throw new IllegalArgumentException("Unknown random type " + rndType);
        if (!factorType.equals("avg") && !factorType.equals("in") && !factorType.equals("out")) {
            throw new IllegalArgumentException("Incorrect factor type " + factorType);
        }
        this.rndType = rndType;
        this.factorType = factorType;
        this.magnitude = magnitude;
        kwargs.put("rnd_type", rndType);
        kwargs.put("factor_type", factorType);
        kwargs.put("magnitude", magnitude == Math.rint(magnitude) ? (Object) (long) magnitude : (Object) magnitude);
    }

    Xavier(Map<String, ?> params) {
        Kwargs k = args(params);
        this(k.getString("rnd_type", "uniform"), k.getString("factor_type", "avg"), k.getDouble("magnitude", 3.0));
        k.checkAllRead("Xavier");
        if (params.get("magnitude") instanceof Number n) kwargs.put("magnitude", n);
    }

    /** The bound (uniform) or standard deviation (gaussian) for an array of this shape. */
    public double scale(long[] shape, String name) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Xavier initializer cannot be applied to vector " + name + ". It requires at least 2D.");
        }
        double hw = 1;
        for (int i = 2; i < shape.length; i++) hw *= shape[i];
        double fanIn = shape[1] * hw, fanOut = shape[0] * hw;
        double factor = switch (factorType) {
            case "avg" -> (fanIn + fanOut) / 2.0;
            case "in" -> fanIn;
            default -> fanOut;
        };
        return Math.sqrt(magnitude / factor);
    }

    @Override
    protected void initWeight(String name, NDArray arr) {
        double s = scale(arr.shape().dims(), name);
        if (rndType.equals("uniform")) uniform(arr, -s, s); else normal(arr, 0, s);
    }
}
