package dev.mxj.initializer;

import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/**
 * He/MSRA initialisation for PReLU networks: Xavier with gaussian samples and
 * {@code magnitude = 2 / (1 + slope^2)} ({@code factor_type} avg, {@code slope} 0.25).
 */
public final class MSRAPrelu extends Xavier {
    public MSRAPrelu() { this("avg", 0.25); }

    public MSRAPrelu(String factorType, double slope) {
        super("gaussian", factorType, 2. / (1 + slope * slope));
        kwargs.clear();
        kwargs.put("factor_type", factorType);
        kwargs.put("slope", slope);
    }

    MSRAPrelu(Map<String, ?> params) {
        Kwargs k = args(params);
        this(k.getString("factor_type", "avg"), k.getDouble("slope", 0.25));
        k.checkAllRead("MSRAPrelu");
    }
}
