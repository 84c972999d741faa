package dev.mxj.cpu.kernels;

/**
 * Special functions java.lang.Math lacks, in double precision: erf, erfinv, gamma, lgamma
 * and digamma (the derivative of lgamma). Standard constructions: a Lanczos approximation for
 * gamma, the regularised incomplete gamma function for erf, Newton refinement for erfinv, and
 * recurrence plus an asymptotic series for digamma. Relative errors are around 1e-14.
 */
public final class SpecialFunctions {
    private SpecialFunctions() {}

    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    // Lanczos approximation, g = 7, n = 9 (coefficients of the widely published table)
    private static final double LANCZOS_G = 7;
    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    private static double lanczosSum(double x) {
        double s = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (x + i);
        return s;
    }

    /** The gamma function; poles (0, negative integers) give ±inf at ±0 and NaN elsewhere, as C's tgamma. */
    public static double gamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) return Double.NaN;
        if (x == 0) return Math.copySign(Double.POSITIVE_INFINITY, x);
        if (x < 0 && x == Math.rint(x)) return Double.NaN;
        if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
        if (x > 171.7) return Double.POSITIVE_INFINITY;
        if (x == Math.rint(x) && x <= 30) {
            double f = 1;
            for (int i = 2; i < (int) x; i++) f *= i;
            return f;
        }
        double y = x - 1, t = y + LANCZOS_G + 0.5;
        double p = Math.pow(t, (y + 0.5) / 2); // split the power so that t^(y+0.5) does not overflow before e^-t scales it
        return Math.sqrt(2 * Math.PI) * p * (p * Math.exp(-t)) * lanczosSum(y);
    }

    /** log|gamma(x)|, as C's lgamma: +inf at the poles. */
    public static double lgamma(double x) {
        if (Double.isNaN(x)) return x;
        if (Double.isInfinite(x)) return Double.POSITIVE_INFINITY;
        if (x <= 0 && x == Math.rint(x)) return Double.POSITIVE_INFINITY;
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
        if (x == 1 || x == 2) return 0;
        double y = x - 1, t = y + LANCZOS_G + 0.5;
        return LOG_SQRT_2PI + (y + 0.5) * Math.log(t) - t + Math.log(lanczosSum(y));
    }

    /** psi(x) = d/dx lgamma(x); poles at 0 and negative integers give NaN. */
    public static double digamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY) return Double.NaN;
        if (x == Double.POSITIVE_INFINITY) return x;
        if (x <= 0 && x == Math.rint(x)) return Double.NaN;
        double r = 0;
        if (x < 0) { // reflection: psi(1 - x) - psi(x) = pi cot(pi x)
            r = -Math.PI / Math.tan(Math.PI * x);
            x = 1 - x;
        }
        while (x < 10) { r -= 1 / x; x += 1; }
        double f = 1 / (x * x);
        // asymptotic series with Bernoulli numbers B2..B12
        double t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (691.0 / 32760 - f / 12))))));
        return r + Math.log(x) - 0.5 / x + t;
    }

    /** The error function. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax > 6) return Math.copySign(1, x);
        double v;
        if (ax < 2.5) {
            // series erf(x) = 2/sqrt(pi) * sum x^(2n+1) (-1)^n / (n! (2n+1)) in the exp-scaled form
            // 2/sqrt(pi) e^-x^2 sum (2x^2)^n x / (1*3*...*(2n+1)), all terms positive: no cancellation
            double x2 = ax * ax, term = ax, sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            v = 2 / SQRT_PI * Math.exp(-x2) * sum;
        } else {
            v = 1 - erfcLarge(ax);
        }
        return Math.copySign(v, x);
    }

    /** erfc(x) for x >= 2.5 by a continued fraction (modified Lentz). */
    private static double erfcLarge(double x) {
        // erfc(x) = e^-x^2 / sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
        double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 300; n++) {
            double a = n / 2.0;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return Math.exp(-x * x) / SQRT_PI / f;
    }

    /** The inverse error function on [-1, 1]: ±inf at ±1, NaN outside. */
    public static double erfinv(double y) {
        if (Double.isNaN(y) || y < -1 || y > 1) return Double.NaN;
        if (y == 1) return Double.POSITIVE_INFINITY;
        if (y == -1) return Double.NEGATIVE_INFINITY;
        if (y == 0) return y;
        // initial guess from Giles' single-precision approximation, then Newton steps on erf
        double w = -Math.log((1 - y) * (1 + y)), x;
        if (w < 5) {
            w -= 2.5;
            x = 2.81022636e-08;
            x = 3.43273939e-07 + x * w;
            x = -3.5233877e-06 + x * w;
            x = -4.39150654e-06 + x * w;
            x = 0.00021858087 + x * w;
            x = -0.00125372503 + x * w;
            x = -0.00417768164 + x * w;
            x = 0.246640727 + x * w;
            x = 1.50140941 + x * w;
        } else {
            w = Math.sqrt(w) - 3;
            x = -0.000200214257;
            x = 0.000100950558 + x * w;
            x = 0.00134934322 + x * w;
            x = -0.00367342844 + x * w;
            x = 0.00573950773 + x * w;
            x = -0.0076224613 + x * w;
            x = 0.00943887047 + x * w;
            x = 1.00167406 + x * w;
            x = 2.83297682 + x * w;
        }
        x *= y;
        for (int i = 0; i < 3; i++) {
            double err = erf(x) - y;
            double deriv = 2 / SQRT_PI * Math.exp(-x * x);
            if (deriv == 0) break;
            x -= err / deriv;
        }
        return x;
    }
}
