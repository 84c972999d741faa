package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.Param;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.Arrays;

/**
 * The canonical geometry parameters of Convolution and Deconvolution (MXNet's
 * ConvolutionParamParser/DeconvolutionParamParser): stride, dilate, pad and adj default to 1, 1,
 * 0, 0 per spatial dimension and must have as many entries as kernel. Shared by shape inference
 * and the kernels, so the two cannot disagree about output sizes or padding.
 */
public final class ConvParams {
    /** Operator name, for messages. */
    public final String op;
    public final boolean deconv;
    /** Number of spatial dimensions: 1, 2 or 3. */
    public final int nd;
    public final long[] kernel, stride, dilate, pad, adj, targetShape;
    public final int numFilter, numGroup;
    public final boolean noBias;

    private ConvParams(Attrs a) {
        this.op = a.op().name();
        this.deconv = a.values().containsKey("adj");
        this.kernel = a.getLongs("kernel");
        this.nd = kernel.length;
        if (nd < 1 || nd > 3) {
            throw new ParameterException("Operator " + op + ": kernel " + fmt(kernel) + " must have 1, 2 or 3 dimensions (1-D, 2-D or 3-D "
                    + (deconv ? "deconvolution" : "convolution") + ")");
        }
        this.stride = fill(a, "stride", 1);
        this.dilate = fill(a, "dilate", 1);
        this.pad = fill(a, "pad", 0);
        this.adj = deconv ? fill(a, "adj", 0) : new long[nd];
        this.targetShape = deconv ? a.getLongs("target_shape") : new long[0];
        this.numFilter = a.getInt("num_filter");
        this.numGroup = a.getInt("num_group");
        this.noBias = a.getBool("no_bias");
        if (a.has("layout")) {
            String layout = a.getString("layout");
            String expected = nd == 1 ? "NCW" : nd == 2 ? "NCHW" : "NCDHW";
            if (!layout.equals(expected)) {
                boolean channelLast = layout.endsWith("C");
                throw new ParameterException("Operator " + op + ": layout " + layout + (channelLast
                        ? " is not supported on CPU (MXNet runs channel-last convolution only on GPU); use " + expected
                        : " does not match the " + nd + "-D kernel " + fmt(kernel) + "; expected " + expected));
            }
        }
        if (deconv && targetShape.length > 0 && targetShape.length != nd) {
            throw new ParameterException("Operator " + op + ": target_shape " + fmt(targetShape) + " must have " + nd + " entries like kernel " + fmt(kernel));
        }
    }

    /** Parse and validate the geometry of a Convolution/Deconvolution (or their backward) call. */
    public static ConvParams of(Attrs a) { return new ConvParams(a); }

    private long[] fill(Attrs a, String name, long dflt) {
        long[] v = a.getLongs(name);
        if (v.length == 0) {
            v = new long[nd];
            Arrays.fill(v, dflt);
        } else if (v.length != nd) {
            throw new ParameterException("Operator " + op + ": " + name + " " + fmt(v) + " must have the same number of dimensions as kernel "
                    + fmt(kernel) + " (" + nd + ")");
        }
        return v;
    }

    static String fmt(long[] v) { return Param.format(v); }

    public long dilatedKernel(int i) { return 1 + (kernel[i] - 1) * dilate[i]; }

    /** Product of the kernel sizes. */
    public long kernelSize() {
        long k = 1;
        for (long x : kernel) k *= x;
        return k;
    }

    /**
     * Convolution output size along spatial axis {@code i} for input size {@code x}
     * ({@code floor((x + 2p - dk) / s) + 1}); fails when the dilated kernel exceeds the padded input.
     */
    public long convOut(int i, long x) {
        if (x == Shape.UNKNOWN_DIM) return Shape.UNKNOWN_DIM;
        long padded = x + 2 * pad[i];
        if (dilatedKernel(i) > padded) {
            throw new ShapeException("Operator " + op + ": kernel size exceeds input: dilated kernel " + dilatedKernel(i) + " (kernel "
                    + kernel[i] + ", dilate " + dilate[i] + ") along spatial axis " + i + " is larger than the padded input " + padded
                    + " (size " + x + " + 2 * pad " + pad[i] + ")");
        }
        return (padded - dilatedKernel(i)) / stride[i] + 1;
    }

    /**
     * Deconvolution padding and adjustment for spatial input sizes {@code in}: pad and adj as given,
     * or, when target_shape has a non-zero entry, those that produce target_shape (MXNet's InferPad).
     * Returns {pad, adj}.
     */
    public long[][] deconvPadAdj(long[] in) {
        boolean fromTarget = false;
        for (long t : targetShape) if (t != 0) fromTarget = true;
        if (!fromTarget) return new long[][] {pad.clone(), adj.clone()};
        long[] p = new long[nd], j = new long[nd];
        for (int i = 0; i < nd; i++) {
            if (in[i] == Shape.UNKNOWN_DIM) continue;
            long full = stride[i] * (in[i] - 1) + dilatedKernel(i);
            if (full < targetShape[i]) {
                throw new ShapeException("Operator " + op + ": too big target shape: target_shape[" + i + "] = " + targetShape[i]
                        + " exceeds the largest reachable output " + full + " for input size " + in[i]);
            }
            long o = full - targetShape[i];
            j[i] = o % 2;
            p[i] = (o + 1) / 2;
        }
        return new long[][] {p, j};
    }

    /** Deconvolution output size along axis {@code i}: {@code s (x - 1) + dk - 2p + adj}. */
    public long deconvOut(int i, long x, long[][] padAdj) {
        if (x == Shape.UNKNOWN_DIM) return Shape.UNKNOWN_DIM;
        long p = padAdj[0][i], j = padAdj[1][i];
        if (j > stride[i] - 1) {
            throw new ShapeException("Operator " + op + ": adj " + j + " along spatial axis " + i + " must be smaller than stride " + stride[i]);
        }
        long o = stride[i] * (x - 1) + dilatedKernel(i) - 2 * p + j;
        if (o <= 0) {
            throw new ShapeException("Operator " + op + ": padding " + p + " along spatial axis " + i + " leaves no output for input size " + x
                    + " (stride " + stride[i] + ", kernel " + kernel[i] + ", dilate " + dilate[i] + ")");
        }
        if (targetShape.length > 0 && targetShape[i] > 0 && targetShape[i] != o) {
            throw new ShapeException("Operator " + op + ": target_shape[" + i + "] = " + targetShape[i] + " cannot be reached (output would be " + o + ")");
        }
        return o;
    }
}
