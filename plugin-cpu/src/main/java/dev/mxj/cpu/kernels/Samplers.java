package dev.mxj.cpu.kernels;

import java.util.random.RandomGenerator;

/** Scalar samplers for distributions java.util.random lacks. */
final class Samplers {
    private Samplers() {}

    /**
     * Gamma(shape alpha, scale 1) by Marsaglia and Tsang's squeeze method (2000); for alpha < 1
     * the alpha + 1 sample is scaled by U^(1/alpha).
     */
    static double gamma(RandomGenerator g, double alpha) {
        if (alpha < 1) {
            double u = g.nextDouble();
            return gamma(g, alpha + 1) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1 / alpha);
        }
        double d = alpha - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = g.nextGaussian(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = g.nextDouble(), x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2) return d * v;
            if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
        }
    }

    /**
     * Poisson(lam): multiplication of uniforms for small rates, Hormann's transformed rejection
     * with squeeze (PTRS, 1993) for lam >= 10.
     */
    static double poisson(RandomGenerator g, double lam) {
        if (lam <= 0) return 0;
        if (lam < 10) {
            double limit = Math.exp(-lam), prod = g.nextDouble();
            int k = 0;
            while (prod > limit) {
                k++;
                prod *= g.nextDouble();
            }
            return k;
        }
        double slam = Math.sqrt(lam), loglam = Math.log(lam);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = g.nextDouble() - 0.5, v = g.nextDouble(), us = 0.5 - Math.abs(u);
            double k = Math.floor((2 * a / us + b) * u + lam + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logGamma(k + 1)) return k;
        }
    }

    /** ln Gamma(x) for x > 0: the Stirling series after shifting x above 10 by the recurrence. */
    static double logGamma(double x) {
        double shift = 0;
        while (x < 10) {
            shift -= Math.log(x);
            x += 1;
        }
        double z = 1 / (x * x);
        double series = (1.0 / 12 - z * (1.0 / 360 - z * (1.0 / 1260 - z * (1.0 / 1680)))) / x;
        return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
    }
}
