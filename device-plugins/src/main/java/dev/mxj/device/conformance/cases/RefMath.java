package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain reference implementations for expected values of the math families' cases: direct
 * index arithmetic, no shared code with any device's kernels, written for clarity over speed.
 */
final class RefMath {
    private RefMath() {}

    /** Values rounded to what {@code t} stores (expected values of float32/float16 outputs). */
    static double[] quantize(DType t, double[] v) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) r[i] = HostArray.quantize(t, r[i]);
        return r;
    }

    /** A float32 array holding exactly what the device will see (values rounded to float32). */
    static HostArray f32(Shape s, double... v) { return HostArray.of(s, DType.FLOAT32, quantize(DType.FLOAT32, v)); }

    static HostArray map(HostArray x, DType outType, DoubleUnaryOperator f) {
        double[] r = new double[x.data().length];
        for (int i = 0; i < r.length; i++) r[i] = castTo(outType, f.applyAsDouble(x.data()[i]));
        return HostArray.of(x.shape(), outType, r);
    }

    /** C-style conversion of a computed value to an output dtype (integers truncate). */
    static double castTo(DType t, double v) {
        return switch (t) {
            case FLOAT32, FLOAT16, FLOAT64 -> HostArray.quantize(t, v);
            case BOOL -> v != 0 ? 1 : 0;
            case UINT8 -> ((long) v) & 0xff;
            case INT8 -> (byte) (long) v;
            case INT32 -> (int) (long) v;
            case INT64 -> (long) v;
        };
    }

    /** NumPy broadcasting of two arrays, by explicit multi-index arithmetic. */
    static HostArray broadcast(HostArray a, HostArray b, DType outType, DoubleBinaryOperator f) {
        long[] ad = a.shape().dims(), bd = b.shape().dims();
        int n = Math.max(ad.length, bd.length);
        long[] od = new long[n];
        for (int i = 0; i < n; i++) od[i] = Math.max(dimAt(ad, i, n), dimAt(bd, i, n));
        Shape os = Shape.of(od);
        double[] r = new double[Math.toIntExact(os.size())];
        long[] idx = new long[n];
        for (int e = 0; e < r.length; e++) {
            long rem = e;
            for (int i = n - 1; i >= 0; i--) { idx[i] = rem % od[i]; rem /= od[i]; }
            r[e] = castTo(outType, f.applyAsDouble(a.data()[(int) index(ad, idx)], b.data()[(int) index(bd, idx)]));
        }
        return HostArray.of(os, outType, r);
    }

    private static long dimAt(long[] d, int i, int n) {
        int k = i - (n - d.length);
        return k < 0 ? 1 : d[k];
    }

    /** Flat index into an array of dims {@code d} for an output multi-index (broadcast axes read index 0). */
    private static long index(long[] d, long[] idx) {
        int off = idx.length - d.length;
        long flat = 0;
        for (int i = 0; i < d.length; i++) flat = flat * d[i] + (d[i] == 1 ? 0 : idx[i + off]);
        return flat;
    }

    /** A reduction: {@code init}, then fold every element whose index matches on the kept axes. */
    interface Fold {
        double apply(double acc, double x);
    }

    /** Reduce over the axes flagged in {@code reduced}; output shape {@code out} (any shape of the right size). */
    static double[] reduce(HostArray x, boolean[] reduced, double init, Fold f) {
        long[] d = x.shape().dims();
        int n = d.length;
        long outSize = 1;
        for (int i = 0; i < n; i++) if (!reduced[i]) outSize *= d[i];
        double[] acc = new double[Math.toIntExact(outSize)];
        Arrays.fill(acc, init);
        long[] idx = new long[n];
        for (int e = 0; e < x.data().length; e++) {
            long rem = e;
            for (int i = n - 1; i >= 0; i--) { idx[i] = rem % d[i]; rem /= d[i]; }
            long o = 0;
            for (int i = 0; i < n; i++) if (!reduced[i]) o = o * d[i] + idx[i];
            acc[(int) o] = f.apply(acc[(int) o], x.data()[e]);
        }
        return acc;
    }

    /** Matrix product of row-major (m, k) and (k, n) given as accessors a(i, p), b(p, j). */
    interface Mat {
        double at(int i, int j);
    }

    static double[] matmul(int m, int n, int k, Mat a, Mat b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += a.at(i, p) * b.at(p, j);
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** n evenly spread sample points strictly inside [lo, hi]. */
    static double[] samples(double lo, double hi, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = lo + (hi - lo) * (i + 0.5) / n;
        return r;
    }

    static double[] concat(double[] a, double[] b) {
        double[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
