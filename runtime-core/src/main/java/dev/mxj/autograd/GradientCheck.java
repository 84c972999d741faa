package dev.mxj.autograd;

import dev.mxj.Random;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Numerical gradient check at the NDArray level (MXNet's {@code check_numeric_gradient}): the
 * gradients autograd computes for {@code f} (recorded, then backward with random head
 * gradients) are compared with central differences of the loss {@code sum_k sum(out_k * head_k)}.
 * Use float64 inputs where the operators accept them, for tight tolerances. Random operators
 * are reseeded before every evaluation so that each sees the same random numbers.
 */
public final class GradientCheck {
    /** The function under test; it must be deterministic given the seed. */
    @FunctionalInterface
    public interface Fn {
        List<NDArray> apply(List<NDArray> inputs);
    }

    private final double eps, rtol, atol;
    private final boolean train;
    private final long seed;

    /**
     * @param eps   finite-difference step
     * @param train whether {@code f} runs in training mode (Dropout, BatchNorm)
     * @param seed  the random seed set before every evaluation of {@code f}
     */
    public GradientCheck(double eps, double rtol, double atol, boolean train, long seed) {
        this.eps = eps;
        this.rtol = rtol;
        this.atol = atol;
        this.train = train;
        this.seed = seed;
    }

    /** Defaults for float64 inputs: step 1e-6, rtol 1e-4, atol 1e-6, training mode. */
    public static GradientCheck float64() { return new GradientCheck(1e-6, 1e-4, 1e-6, true, 42); }

    /** Defaults for float32 inputs: step 1e-3, rtol 5e-2, atol 5e-3, training mode. */
    public static GradientCheck float32() { return new GradientCheck(1e-3, 5e-2, 5e-3, true, 42); }

    /**
     * Check every input except those in {@code skip}; the caller's arrays are not changed.
     *
     * @throws AssertionError naming the input and element of the first mismatch
     */
    public void check(Fn f, List<NDArray> inputs, Set<Integer> skip) {
        try (NDScope scope = NDScope.open()) {
            List<NDArray> xs = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            for (NDArray a : inputs) {
                xs.add(a.copy());
                values.add(a.toDoubleArray());
            }
            List<NDArray> vars = new ArrayList<>();
            for (int i = 0; i < xs.size(); i++) if (!skip.contains(i)) vars.add(xs.get(i).attachGrad());
            if (vars.isEmpty()) throw new IllegalArgumentException("nothing to check: every input is skipped");

            List<NDArray> outs;
            Random.seed(seed);
            try (var rec = Autograd.record(train)) {
                outs = f.apply(xs);
            }
            SplittableRandom rng = new SplittableRandom(7);
            List<double[]> heads = new ArrayList<>();
            List<NDArray> headArrays = new ArrayList<>();
            for (NDArray o : outs) {
                double[] h = new double[(int) o.size()];
                if (o.dtype().isFloating()) for (int e = 0; e < h.length; e++) h[e] = rng.nextDouble(-1, 1); // integer outputs: no gradient
                heads.add(h);
                headArrays.add(NDArray.array(h, o.shape(), o.dtype(), o.context()));
            }
            Autograd.backward(outs, headArrays, false, train);

            for (int i = 0; i < xs.size(); i++) {
                if (skip.contains(i)) continue;
                double[] analytic = xs.get(i).grad().toDoubleArray();
                double[] x = values.get(i);
                for (int j = 0; j < x.length; j++) {
                    double numeric = (loss(f, inputs, values, i, j, eps, heads) - loss(f, inputs, values, i, j, -eps, heads)) / (2 * eps);
                    if (!(Math.abs(analytic[j] - numeric) <= atol + rtol * Math.abs(numeric))) {
                        throw new AssertionError(String.format("gradient of input %d element %d: autograd %.8g, numeric %.8g (rtol %.1g, atol %.1g, %s)",
                                i, j, analytic[j], numeric, rtol, atol, inputs.get(i).dtype()));
                    }
                }
            }
        }
    }

    /** The loss with element j of input i moved by delta, nothing recorded. */
    private double loss(Fn f, List<NDArray> inputs, List<double[]> values, int i, int j, double delta, List<double[]> heads) {
        try (NDScope scope = NDScope.open(); var mode = Autograd.pause(train)) {
            List<NDArray> in = new ArrayList<>();
            for (int k = 0; k < inputs.size(); k++) {
                NDArray a = inputs.get(k);
                double[] v = values.get(k);
                if (k == i) {
                    v = v.clone();
                    v[j] += delta;
                }
                in.add(NDArray.array(v, a.shape(), a.dtype(), a.context()));
            }
            Random.seed(seed);
            List<NDArray> outs = f.apply(in);
            double s = 0;
            for (int k = 0; k < outs.size(); k++) {
                double[] o = outs.get(k).toDoubleArray(), h = heads.get(k);
                for (int e = 0; e < o.length; e++) s += o[e] * h[e];
            }
            return s;
        }
    }
}
