package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * Straightforward reference implementations for the neural-network cases: plain loops over
 * row-major indices in double, written from the operator definitions, sharing no code with any
 * kernel. They are deliberately naive (clarity over speed; inputs are small).
 */
final class NnReference {
    private NnReference() {}

    // ------------------------------------------------------------------ arrays

    static HostArray rnd(long seed, long... dims) { return uniform(seed, -1, 1, dims); }

    /** Random float32 values uniform in [lo, hi). */
    static HostArray uniform(long seed, double lo, double hi, long... dims) {
        return HostArray.random(Shape.of(dims), DType.FLOAT32, lo, hi, new SplittableRandom(seed));
    }

    static HostArray f64(HostArray a) { return a.astype(DType.FLOAT64); }

    static HostArray arr(DType t, Shape s, double[] v) { return HostArray.of(s, t, v); }

    /** (outer, len, inner) around {@code axis}. */
    static long[] around(Shape s, int axis) {
        return new long[] {s.prod(0, axis), s.dim(axis), s.prod(axis + 1, s.ndim())};
    }

    // ------------------------------------------------------------------ dense

    /** y[i, j] = sum_p x[i, p] w[j, p] + b[j] for x (m, k), w (h, k). */
    static double[] dense(double[] x, double[] w, double[] b, int m, int k, int h) {
        double[] y = new double[m * h];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < h; j++) {
                double s = b == null ? 0 : b[j];
                for (int p = 0; p < k; p++) s += x[i * k + p] * w[j * k + p];
                y[i * h + j] = s;
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ softmax

    enum Soft { SOFTMAX, LOG_SOFTMAX, SOFTMIN }

    /** softmax / log_softmax / softmin of x along axis, temperature t, optional lengths per line (entries past them are 0). */
    static double[] softmax(double[] x, Shape s, int axis, double t, double[] lengths, Soft kind) {
        long[] oli = around(s, axis);
        int outer = (int) oli[0], len = (int) oli[1], inner = (int) oli[2];
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int n = lengths == null ? len : (int) Math.min(len, lengths[o * inner + i]);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) max = Math.max(max, sign(kind) * x[(o * len + j) * inner + i]);
                double z = 0;
                for (int j = 0; j < n; j++) z += Math.exp((sign(kind) * x[(o * len + j) * inner + i] - max) / t);
                for (int j = 0; j < n; j++) {
                    double e = (sign(kind) * x[(o * len + j) * inner + i] - max) / t;
                    y[(o * len + j) * inner + i] = kind == Soft.LOG_SOFTMAX ? e - Math.log(z) : Math.exp(e) / z;
                }
            }
        }
        return y;
    }

    private static double sign(Soft k) { return k == Soft.SOFTMIN ? -1 : 1; }

    // ------------------------------------------------------------------ normalisation

    /**
     * Batch normalisation along axis with given statistics source. Returns {out, mean, invstd,
     * newMovingMean, newMovingVar}.
     */
    static double[][] batchNorm(double[] x, Shape s, int axis, double[] gamma, double[] beta, double[] mm, double[] mv,
                                double eps, double momentum, boolean fixGamma, boolean batchStats) {
        long[] oli = around(s, axis);
        int outer = (int) oli[0], c = (int) oli[1], inner = (int) oli[2], n = outer * inner;
        double[] out = new double[x.length], mean = new double[c], inv = new double[c], nm = mm.clone(), nv = mv.clone();
        for (int ch = 0; ch < c; ch++) {
            double mu, var;
            if (batchStats) {
                double sum = 0;
                for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) sum += x[(o * c + ch) * inner + i];
                mu = sum / n;
                double sq = 0;
                for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) sq += Math.pow(x[(o * c + ch) * inner + i] - mu, 2);
                var = sq / n;
                nm[ch] = mm[ch] * momentum + mu * (1 - momentum);
                nv[ch] = mv[ch] * momentum + var * (1 - momentum);
            } else {
                mu = mm[ch];
                var = mv[ch];
            }
            mean[ch] = mu;
            inv[ch] = 1 / Math.sqrt(var + eps);
            double g = fixGamma ? 1 : gamma[ch];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int e = (o * c + ch) * inner + i;
                    out[e] = (x[e] - mu) * inv[ch] * g + beta[ch];
                }
            }
        }
        return new double[][] {out, mean, inv, nm, nv};
    }

    /** Layer normalisation along axis: {out, mean, std}. */
    static double[][] layerNorm(double[] x, Shape s, int axis, double[] gamma, double[] beta, double eps) {
        long[] oli = around(s, axis);
        int outer = (int) oli[0], len = (int) oli[1], inner = (int) oli[2];
        double[] out = new double[x.length], mean = new double[outer * inner], std = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double sum = 0, sq = 0;
                for (int j = 0; j < len; j++) sum += x[(o * len + j) * inner + i];
                double mu = sum / len;
                for (int j = 0; j < len; j++) sq += Math.pow(x[(o * len + j) * inner + i] - mu, 2);
                double sd = Math.sqrt(sq / len + eps);
                mean[o * inner + i] = mu;
                std[o * inner + i] = sd;
                for (int j = 0; j < len; j++) {
                    int e = (o * len + j) * inner + i;
                    out[e] = (x[e] - mu) / sd * gamma[j] + beta[j];
                }
            }
        }
        return new double[][] {out, mean, std};
    }

    /**
     * Normalisation of (batch, groups, rest) slices with per-group parameters: InstanceNorm
     * (groups = channels) and GroupNorm. {out, mean, var or std}.
     */
    static double[][] groupNorm(double[] x, Shape s, int groups, double[] gamma, double[] beta, double eps, boolean std) {
        int batch = (int) s.dim(0), rest = (int) (s.size() / batch / groups);
        double[] out = new double[x.length], mean = new double[batch * groups], stat = new double[batch * groups];
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                int base = (b * groups + g) * rest;
                double sum = 0, sq = 0;
                for (int i = 0; i < rest; i++) sum += x[base + i];
                double mu = sum / rest;
                for (int i = 0; i < rest; i++) sq += Math.pow(x[base + i] - mu, 2);
                double var = sq / rest, sd = Math.sqrt(var + eps);
                mean[b * groups + g] = mu;
                stat[b * groups + g] = std ? sd : var;
                for (int i = 0; i < rest; i++) out[base + i] = (x[base + i] - mu) / sd * gamma[g] + beta[g];
            }
        }
        return new double[][] {out, mean, stat};
    }

    // ------------------------------------------------------------------ numerical derivatives

    /** Central differences of a scalar function of x (step h), for the loss heads' implicit losses. */
    static double[] numericGradient(double[] x, ToDoubleFunction<double[]> loss, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] p = x.clone(), m = x.clone();
            p[i] += h;
            m[i] -= h;
            g[i] = (loss.applyAsDouble(p) - loss.applyAsDouble(m)) / (2 * h);
        }
        return g;
    }

    static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = f.applyAsDouble(x[i]);
        return r;
    }
}
