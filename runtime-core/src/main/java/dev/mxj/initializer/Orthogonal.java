package dev.mxj.initializer;

import dev.mxj.ndarray.NDArray;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.optimizer.Kwargs;

import java.util.Map;

/**
 * Orthogonal weights (Saxe et al.): the array viewed as {@code (shape[0], rest)} gets orthonormal
 * rows or columns, whichever are fewer, times {@code scale} (1.414). The random matrix comes
 * from {@code rand_type} "uniform" in [-1, 1) or "normal" N(0, 1), as in MXNet; MXNet then takes a
 * singular vector basis from numpy's SVD, this takes the Q of a Gram-Schmidt QR (signs fixed
 * by R's diagonal), which has the same orthogonality though not the same numbers.
 */
public final class Orthogonal extends Initializer {
    private final double scale;
    private final String randType;

    public Orthogonal() { this(1.414, "uniform"); }

    public Orthogonal(double scale, String randType) {
        if (!randType.equals("uniform") && !randType.equals("normal")) {
            throw new IllegalArgumentException("Orthogonal rand_type must be 'uniform' or 'normal', got '" + randType + "'");
        }
        this.scale = scale;
        this.randType = randType;
        kwargs.put("scale", scale);
        kwargs.put("rand_type", randType);
    }

    Orthogonal(Map<String, ?> params) {
        Kwargs k = args(params);
        this(k.getDouble("scale", 1.414), k.getString("rand_type", "uniform"));
        k.checkAllRead("Orthogonal");
    }

    @Override
    protected void initWeight(String name, NDArray arr) {
        int nout = (int) arr.shape().dim(0);
        int nin = (int) (arr.size() / Math.max(1, nout));
        NDArray tmp = NDArray.empty(Shape.of(nout, nin), DType.FLOAT32, arr.context());
        if (randType.equals("uniform")) uniform(tmp, -1, 1); else normal(tmp, 0, 1);
        float[] r = tmp.toFloatArray();
        boolean tall = nin <= nout;              // orthonormal columns; else rows
        int rows = tall ? nout : nin, cols = tall ? nin : nout;
        double[][] q = new double[cols][rows];   // column vectors of the tall matrix
        for (int i = 0; i < nout; i++) {
            for (int j = 0; j < nin; j++) {
                if (tall) q[j][i] = r[i * nin + j]; else q[i][j] = r[i * nin + j];
            }
        }
        orthonormalize(q);
        float[] out = new float[nout * nin];
        for (int i = 0; i < nout; i++) {
            for (int j = 0; j < nin; j++) out[i * nin + j] = (float) (scale * (tall ? q[j][i] : q[i][j]));
        }
        arr.set(out);
    }

    /** Modified Gram-Schmidt, twice for accuracy; each vector keeps the sign of its own component. */
    private static void orthonormalize(double[][] v) {
        for (int k = 0; k < v.length; k++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int t = 0; t < v[k].length; t++) dot += v[j][t] * v[k][t];
                    for (int t = 0; t < v[k].length; t++) v[k][t] -= dot * v[j][t];
                }
            }
            double n = 0;
            for (double x : v[k]) n += x * x;
            n = Math.sqrt(n);
            if (n < 1e-12) throw new IllegalStateException("Orthogonal: degenerate random matrix, try another seed");
            for (int t = 0; t < v[k].length; t++) v[k][t] /= n;
        }
    }
}
