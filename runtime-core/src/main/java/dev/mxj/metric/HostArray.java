package dev.mxj.metric;

import dev.mxj.ndarray.NDArray;

import java.util.Arrays;

/**
 * An array copied to the host as doubles with its shape: what metrics compute on (MXNet's
 * metrics call {@code asnumpy()} too) and what a {@link CustomMetric} function receives.
 */
public record HostArray(double[] data, long[] shape) {
    public static HostArray of(NDArray a) { return new HostArray(a.toDoubleArray(), a.shape().dims()); }

    public int size() { return data.length; }

    public int ndim() { return shape.length; }

    /** Length of the first axis (1 for a scalar). */
    public int rows() { return shape.length == 0 ? 1 : (int) shape[0]; }

    public double get(int i) { return data[i]; }

    /** Element (i, j) of a 2-d array. */
    public double get(int i, int j) { return data[i * (int) shape[1] + j]; }

    public boolean sameShape(HostArray o) { return Arrays.equals(shape, o.shape); }

    /** Index of the largest value along {@code axis} (the first on ties, a NaN wins as in numpy), flattened over the other axes. */
    public int[] argmax(int axis) {
        int ax = axis < 0 ? axis + shape.length : axis;
        if (ax < 0 || ax >= shape.length) throw new IllegalArgumentException("axis " + axis + " out of range for shape " + Arrays.toString(shape));
        int outer = 1, inner = 1, n = (int) shape[ax];
        for (int i = 0; i < ax; i++) outer *= (int) shape[i];
        for (int i = ax + 1; i < shape.length; i++) inner *= (int) shape[i];
        int[] r = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int best = 0;
                double bv = data[o * n * inner + in];
                for (int k = 1; k < n && !Double.isNaN(bv); k++) {
                    double v = data[(o * n + k) * inner + in];
                    if (v > bv || Double.isNaN(v)) { bv = v; best = k; }
                }
                r[o * inner + in] = best;
            }
        }
        return r;
    }

    @Override
    public String toString() { return "HostArray" + Arrays.toString(shape); }
}
