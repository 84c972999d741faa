package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;

/**
 * Bilinear up-sampling kernels for a 4-d deconvolution weight: with {@code f = ceil(W / 2)} and
 * {@code c = (2f - 1 - f % 2) / (2f)}, element (.., y, x) is {@code (1 - |x/f - c|) (1 - |y/f - c|)}.
 */
public final class Bilinear extends Initializer {
    @Override
    protected void initWeight(String name, NDArray arr) { fill(arr); }

    static void fill(NDArray arr) {
        long[] s = arr.shape().dims();
        if (s.length != 4) throw new IllegalArgumentException("Bilinear initializer needs a 4-d weight, got shape " + arr.shape());
        int n = (int) arr.size();
        float[] w = new float[n];
        double f = Math.ceil(s[3] / 2.0);
        double c = (2 * f - 1 - f % 2) / (2. * f);
        for (int i = 0; i < n; i++) {
            long x = i % s[3];
            long y = (i / s[3]) % s[2];
            w[i] = (float) ((1 - Math.abs(x / f - c)) * (1 - Math.abs(y / f - c)));
        }
        arr.set(w);
    }
}
