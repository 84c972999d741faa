package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.mxj.device.conformance.cases.ShapeCaseSupport.arr;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.dims;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.err;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.f32;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.params;
import static dev.mxj.device.conformance.cases.ShapeCaseSupport.seq;

/**
 * Test cases of the random operators: device dependent, so they check statistics of a few
 * thousand samples (mean and variance within about four standard errors, ranges, integrality,
 * permutations) instead of values.
 */
public final class RandomCases {
    private RandomCases() {}

    /** Samples per statistical case. */
    private static final int N = 4000;

    /** Distribution, parameters, mean, variance, integer-valued, lower bound (inclusive), upper bound (exclusive). */
    private record Dist(String name, String params, double mean, double var, boolean integer, double lo, double hi) {}

    private static final List<Dist> DISTS = List.of(
            new Dist("uniform", "low=-1; high=3", 1, 16.0 / 12, false, -1, 3),
            new Dist("normal", "loc=2; scale=3", 2, 9, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
            new Dist("gamma", "alpha=2; beta=1.5", 3, 4.5, false, 0, Double.POSITIVE_INFINITY),
            new Dist("gamma", "alpha=0.5; beta=2", 1, 2, false, 0, Double.POSITIVE_INFINITY),
            new Dist("exponential", "lam=2", 0.5, 0.25, false, 0, Double.POSITIVE_INFINITY),
            new Dist("poisson", "lam=4", 4, 4, true, 0, Double.POSITIVE_INFINITY),
            new Dist("poisson", "lam=30", 30, 30, true, 0, Double.POSITIVE_INFINITY),
            new Dist("negative_binomial", "k=3; p=0.4", 4.5, 11.25, true, 0, Double.POSITIVE_INFINITY),
            new Dist("generalized_negative_binomial", "mu=2; alpha=0.5", 2, 4, true, 0, Double.POSITIVE_INFINITY));

    /** Parameters each distribution must reject, and what the message says. */
    private static final String[][] BAD = {
            {"uniform", "low=2; high=1", "low must be less than or equal to high"},
            {"normal", "scale=0", "scale must be positive"},
            {"gamma", "alpha=-1", "alpha and beta must be positive"},
            {"exponential", "lam=0", "lam must be positive"},
            {"poisson", "lam=-1", "lam must be non-negative"},
            {"negative_binomial", "p=0", "p in (0, 1]"},
            {"generalized_negative_binomial", "mu=-1", "mu and alpha must be non-negative"},
    };

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        for (Dist d : DISTS) {
            c.add(params(OpCase.forward("_random_" + d.name), d.params + "; shape=(40, 100)").deviceDependent()
                    .check((in, out) -> checkStats(d, out.get(0), Shape.of(40, 100), DType.FLOAT32)));
            c.add(params(OpCase.forward("_random_" + d.name + "_like"), d.params).input(HostArray.of(Shape.of(N), DType.FLOAT64, new double[N])).deviceDependent()
                    .check((in, out) -> checkStats(d, out.get(0), Shape.of(N), DType.FLOAT64)));
        }
        for (Dist d : DISTS) {
            // _sample_X: the same parameters given per element, twice, with 2000 samples each
            OpCase m = params(OpCase.forward("_sample_" + d.name), "shape=(2000,)").deviceDependent();
            for (String kv : d.params.split(";")) {
                double v = Double.parseDouble(kv.substring(kv.indexOf('=') + 1).trim());
                m.input(HostArray.f32(Shape.of(2), v, v));
            }
            c.add(m.check((in, out) -> checkStats(d, out.get(0), Shape.of(2, 2000), DType.FLOAT32)));
        }
        c.add(params(OpCase.forward("sample_uniform"), "shape=(2, 500); dtype=float64").input(f32(dims(2), 0, 10)).input(f32(dims(2), 1, 11))
                .deviceDependent().check((in, out) -> {
                    expect(out.get(0).shape().equals(Shape.of(2, 2, 500)) && out.get(0).dtype() == DType.FLOAT64, "shape/dtype " + out.get(0));
                    double[] v = out.get(0).data();
                    for (int i = 0; i < v.length; i++) {
                        double lo = i < 1000 ? 0 : 10;
                        expect(v[i] >= lo && v[i] < lo + 1, "sample " + v[i] + " of set " + i / 1000 + " outside [" + lo + ", " + (lo + 1) + ")");
                    }
                }));
        for (Dist d : DISTS) {
            if (d.name.equals("gamma") && d.params.startsWith("alpha=0.5")) continue;  // one set of errors per operator
            if (d.name.equals("poisson") && d.params.equals("lam=30")) continue;
            int nin = d.params.split(";").length;
            HostArray[] ints = new HostArray[nin], floats = new HostArray[nin], mismatched = new HostArray[nin];
            for (int i = 0; i < nin; i++) {
                ints[i] = arr(DType.INT32, dims(2), 1, 2);
                floats[i] = f32(dims(2), 1, 2);
                mismatched[i] = f32(dims(2 + i), new double[2 + i]);
            }
            c.add(err("_sample_" + d.name, "", TypeException.class, "float dtype", ints));
            c.add(err("_sample_" + d.name, "shape=(0,)", ParameterException.class, "shape", floats));
            if (nin == 2) c.add(err("_sample_" + d.name, "", ShapeException.class, "same shape", mismatched));
        }
        for (String[] b : BAD) {
            c.add(err("_random_" + b[0], b[1] + "; shape=(2,)", ShapeException.class, b[2]));
            c.add(err("_random_" + b[0] + "_like", b[1], ShapeException.class, b[2], f32(dims(2), 0, 0)));
        }
        c.add(params(OpCase.forward("uniform"), "shape=(3000,); dtype=float16").deviceDependent()
                .check((in, out) -> checkStats(new Dist("uniform", "", 0.5, 1.0 / 12, false, 0, 1), out.get(0), Shape.of(3000), DType.FLOAT16)));
        c.add(params(OpCase.forward("random_normal"), "shape=(3000,); dtype=float64").deviceDependent()
                .check((in, out) -> checkStats(new Dist("normal", "", 0, 1, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY), out.get(0), Shape.of(3000), DType.FLOAT64)));
        c.add(err("_random_uniform", "shape=(2,); dtype=int32", ParameterException.class, "dtype"));
        c.add(err("_random_uniform", "", ShapeException.class, "cannot infer output shapes"));

        c.add(params(OpCase.forward("_random_randint"), "low=-3; high=5; shape=(4000,)").deviceDependent()
                .check((in, out) -> checkStats(new Dist("randint", "", 0.5, (64 - 1) / 12.0, true, -3, 5), out.get(0), Shape.of(N), DType.INT32)));
        c.add(params(OpCase.forward("random_randint"), "low=1000000000000; high=1000000000010; shape=(2000,); dtype=int64").deviceDependent()
                .check((in, out) -> checkStats(new Dist("randint", "", 1e12 + 4.5, 99 / 12.0, true, 1e12, 1e12 + 10), out.get(0), Shape.of(2000), DType.INT64)));
        c.add(err("_random_randint", "low=5; high=5; shape=(2,)", ShapeException.class, "low must be less than high"));
        c.add(err("_random_randint", "low=0; high=5; shape=(2,); dtype=float32", ParameterException.class, "dtype"));

        HostArray probs = f32(dims(2, 5), 0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1, 0);
        c.add(params(OpCase.forward("_sample_multinomial"), "shape=(2000,)").input(probs).deviceDependent()
                .check((in, out) -> checkMultinomial(in.get(0), out.get(0), null)));
        c.add(params(OpCase.forward("sample_multinomial"), "shape=(3, 500); get_prob=True; dtype=float32").input(probs).deviceDependent()
                .check((in, out) -> checkMultinomial(in.get(0), out.get(0), out.get(1))));
        c.add(params(OpCase.forward("_sample_multinomial"), "").input(f32(dims(3), 0, 1, 0)).deviceDependent()
                .check((in, out) -> {
                    expect(out.get(0).shape().equals(Shape.of(1)) && out.get(0).data()[0] == 1, "one sample of category 1, got " + out.get(0));
                }));
        c.add(err("_sample_multinomial", "", ShapeException.class, "at least 1 dimension", HostArray.scalar(DType.FLOAT32, 1)));
        c.add(err("_sample_multinomial", "", TypeException.class, "float dtype", arr(DType.INT32, dims(2), 0, 1)));
        c.add(params(OpCase.forward("_sample_multinomial"), "shape=(3,); get_prob=True").input(f32(dims(2, 3), 0.2, 0.5, 0.3, 0.6, 0.1, 0.3))
                .deviceDependent().gradCheck());

        c.add(OpCase.forward("_shuffle").input(seq(50, 2)).deviceDependent().check((in, out) -> checkShuffle(in.get(0), out.get(0))));
        c.add(OpCase.forward("shuffle").input(seq(DType.INT64, 300)).deviceDependent().check((in, out) -> checkShuffle(in.get(0), out.get(0))));
        c.add(err("_shuffle", "", ShapeException.class, "cannot shuffle a 0-dimensional array", HostArray.scalar(DType.FLOAT32, 1)));
        return c;
    }

    private static void expect(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    /** Shape, dtype, range, integrality, and mean/variance within about four standard errors. */
    static void checkStats(Dist d, HostArray a, Shape shape, DType dtype) {
        String name = d.name + "(" + d.params + ")";
        expect(a.shape().equals(shape), name + ": shape " + a.shape() + ", expected " + shape);
        expect(a.dtype() == dtype, name + ": dtype " + a.dtype() + ", expected " + dtype);
        double[] v = a.data();
        double n = v.length, sum = 0, sq = 0;
        for (double x : v) {
            expect(x >= d.lo && x < d.hi, name + ": sample " + x + " outside [" + d.lo + ", " + d.hi + ")");
            if (d.integer) expect(x == Math.rint(x), name + ": sample " + x + " is not an integer");
            sum += x;
        }
        double mean = sum / n;
        for (double x : v) sq += (x - mean) * (x - mean);
        double var = sq / (n - 1);
        double meanTol = 4.5 * Math.sqrt(d.var / n) + 1e-3 * Math.abs(d.mean) * (dtype == DType.FLOAT16 ? 1 : 0);
        expect(Math.abs(mean - d.mean) <= meanTol, name + ": mean " + mean + ", expected " + d.mean + " +- " + meanTol);
        // heavy-tailed samplers (gamma, negative binomial) need a wider variance band than normal data
        double varTol = 0.2 * d.var;
        expect(Math.abs(var - d.var) <= varTol, name + ": variance " + var + ", expected " + d.var + " +- " + varTol);
    }

    /** Samples are valid categories with frequencies near the probabilities; log_prob = log p[sample]. */
    private static void checkMultinomial(HostArray p, HostArray s, HostArray logp) {
        int k = (int) p.shape().dim(-1), dists = p.data().length / k, m = s.data().length / dists;
        for (int d = 0; d < dists; d++) {
            int[] count = new int[k];
            for (int j = 0; j < m; j++) {
                double c = s.data()[d * m + j];
                expect(c == Math.rint(c) && c >= 0 && c < k, "sample " + c + " is not a category of " + k);
                expect(p.data()[d * k + (int) c] > 0, "drew category " + (int) c + " of probability 0 in distribution " + d);
                count[(int) c]++;
                if (logp != null) {
                    double want = Math.log((float) p.data()[d * k + (int) c]);
                    expect(Math.abs(logp.data()[d * m + j] - want) < 1e-5, "log_prob " + logp.data()[d * m + j] + " for category " + (int) c + ", expected " + want);
                }
            }
            for (int c = 0; c < k; c++) {
                double q = p.data()[d * k + c], tol = 4.5 * Math.sqrt(q * (1 - q) / m) + 1e-9;
                expect(Math.abs(count[c] / (double) m - q) <= tol, "distribution " + d + " category " + c + ": frequency " + count[c] / (double) m + ", expected " + q);
            }
        }
    }

    /** The output rows are a permutation of the input rows (rows intact), and not the identity. */
    private static void checkShuffle(HostArray in, HostArray out) {
        expect(out.shape().equals(in.shape()) && out.dtype() == in.dtype(), "shape/dtype changed: " + out);
        int rows = (int) in.shape().dim(0), w = in.data().length / rows;
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            a.add(Arrays.toString(Arrays.copyOfRange(in.data(), r * w, r * w + w)));
            b.add(Arrays.toString(Arrays.copyOfRange(out.data(), r * w, r * w + w)));
        }
        expect(!a.equals(b), "the rows were not shuffled");
        a.sort(null);
        b.sort(null);
        expect(a.equals(b), "the output rows are not a permutation of the input rows");
    }
}
