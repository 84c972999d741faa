package dev.mxj.cpu.kernels;

import dev.mxj.op.Shape;
import dev.mxj.op.defs.ConvParams;

/**
 * A plain grouped convolution {@code y(N, outC, *outS) = x(N, inC, *inS) (*) w(outC, inC/G, *k)},
 * with spatial sizes padded to three dimensions (leading 1s), so one set of loops serves 1-D,
 * 2-D and 3-D. Deconvolution is described by the convolution it transposes: its output is this
 * geometry's x, its input this geometry's y, and its weight (C, F/G, *k) this geometry's w.
 */
record ConvGeom(int nd, long n, long inC, long outC, long groups,
                long[] in, long[] out, long[] k, long[] s, long[] d, long[] p) {

    /** Convolution of {@code data} (N, C, *spatial) producing {@code output}. */
    static ConvGeom conv(ConvParams cp, Shape data, Shape output) {
        return of(cp, data, output, cp.pad);
    }

    /** The convolution a Deconvolution transposes: x = deconv output, y = deconv input. */
    static ConvGeom deconv(ConvParams cp, Shape data, Shape output) {
        long[] spatial = new long[cp.nd];
        for (int i = 0; i < cp.nd; i++) spatial[i] = data.dim(2 + i);
        return of(cp, output, data, cp.deconvPadAdj(spatial)[0]);
    }

    private static ConvGeom of(ConvParams cp, Shape x, Shape y, long[] pad) {
        int nd = cp.nd;
        long[] in = ones(), out = ones(), k = ones(), s = ones(), d = ones(), p = new long[3];
        for (int i = 0; i < nd; i++) {
            int j = 3 - nd + i;
            in[j] = x.dim(2 + i);
            out[j] = y.dim(2 + i);
            k[j] = cp.kernel[i];
            s[j] = cp.stride[i];
            d[j] = cp.dilate[i];
            p[j] = pad[i];
        }
        return new ConvGeom(nd, x.dim(0), x.dim(1), y.dim(1), cp.numGroup, in, out, k, s, d, p);
    }

    private static long[] ones() { return new long[] {1, 1, 1}; }

    long inSpatial() { return in[0] * in[1] * in[2]; }

    long outSpatial() { return out[0] * out[1] * out[2]; }

    long kernelSize() { return k[0] * k[1] * k[2]; }

    long inCg() { return inC / groups; }

    long outCg() { return outC / groups; }

    /** Rows of the im2col matrix of one group: inC/G * prod(kernel). */
    long colRows() { return inCg() * kernelSize(); }

    /** Multiply-accumulates of the forward convolution. */
    double macs() { return (double) n * outC * outSpatial() * colRows(); }

    /** Right padding implied by the sizes (may differ from the left one; negative when the last inputs are unused). */
    long padRight(int j) { return (out[j] - 1) * s[j] + (k[j] - 1) * d[j] + 1 - in[j] - p[j]; }
}
