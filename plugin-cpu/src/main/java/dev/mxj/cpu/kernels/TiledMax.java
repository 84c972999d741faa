package dev.mxj.cpu.kernels;

import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;
import dev.mxj.op.defs.PoolParams;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Float32 2-D max pooling of NCHW data whose windows tile the input (kernel = stride, no
 * padding: LeNet's and most CNNs' 2x2/2 pooling), forward and gradient, as a fast path of
 * {@link PoolingKernels}. Whole planes are staged through heap arrays (bulk copies; C2
 * compiles array loops far better than segment loops), and since the windows do not overlap,
 * the gradient is written in one pass with no accumulation. Results are those of the general
 * path exactly: NaN never wins, nothing below -Float.MAX_VALUE is returned, and both the max
 * among equal values and the gradient's target are the first in row-major window order.
 *
 * <p>The gradient is used before oneDNN's (measured 2.4 vs 3.5-4.1 ms single-threaded for
 * LeNet's first pooling, 128x20x24x24: oneDNN recomputes the forward pass for its argmax
 * workspace); the forward pass only where oneDNN does not run (its vectorised forward took 1.1
 * ms against 2.3 here).
 */
final class TiledMax {
    private TiledMax() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Floats of input staged per block of planes. */
    private static final int STAGE = 1 << 14;

    static boolean applies(PoolParams pp, OpReq req, Tensor x, Tensor y) {
        if (pp.type != PoolParams.Type.MAX || pp.nd != 2 || pp.channelLast || req == OpReq.ADD) return false;
        if (x.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32) return false;
        for (int i = 0; i < 2; i++) if (pp.kernel[i] != pp.stride[i] || pp.pad[i] != 0 || pp.out[i] * pp.kernel[i] > pp.in[i]) return false;
        return (long) pp.in[0] * pp.in[1] <= STAGE;
    }

    /** Planes per staged block (at least one) and the number of planes. */
    private static int block(PoolParams pp) { return (int) Math.max(1, STAGE / (pp.in[0] * pp.in[1])); }

    private static long planes(Tensor x, PoolParams pp) { return x.size() / (pp.in[0] * pp.in[1]); }

    static void forward(PoolParams pp, Tensor x, Tensor y) {
        int inH = (int) pp.in[0], inW = (int) pp.in[1], oH = (int) pp.out[0], oW = (int) pp.out[1];
        int kh = (int) pp.kernel[0], kw = (int) pp.kernel[1];
        int ip = inH * inW, op = oH * oW, blk = block(pp);
        long planes = planes(x, pp);
        MemorySegment xs = x.segment(), ys = y.segment();
        CpuParallel.forRange(planes, Math.max(1, (1 << 15) / ip), (p0, p1) -> {
            float[] xin = new float[blk * ip], yout = new float[blk * op], pair = new float[inW];
            for (long p = p0; p < p1; p += blk) {
                int nb = (int) Math.min(blk, p1 - p);
                MemorySegment.copy(xs, F, p * ip * 4, xin, 0, nb * ip);
                for (int b = 0; b < nb; b++) {
                    int xb = b * ip, yb = b * op;
                    for (int oh = 0; oh < oH; oh++) {
                        int r0 = xb + oh * kh * inW, yr = yb + oh * oW;
                        if (kh == 2 && kw == 2) {
                            // the common 2x2 window unrolled (tiny variable-count loops cost more than the compares)
                            int r1 = r0 + inW;
                            // the two rows' maxima first (a loop C2 vectorises), then pairs of columns
                            for (int j = 0; j < 2 * oW; j++) pair[j] = Math.max(xin[r0 + j], xin[r1 + j]);
                            for (int ow = 0, c = 0; ow < oW; ow++, c += 2) {
                                float m = Math.max(pair[c], pair[c + 1]);
                                if (!(m > -Float.MAX_VALUE && m != 0f)) m = max4(xin[r0 + c], xin[r0 + c + 1], xin[r1 + c], xin[r1 + c + 1]);
                                yout[yr + ow] = m;
                            }
                            continue;
                        }
                        // window position (i, j) outside, output column inside: the same scan order per output
                        java.util.Arrays.fill(yout, yr, yr + oW, -Float.MAX_VALUE);
                        for (int i = 0; i < kh; i++) {
                            int row = r0 + i * inW;
                            for (int j = 0; j < kw; j++) {
                                for (int ow = 0; ow < oW; ow++) {
                                    float v = xin[row + ow * kw + j], acc = yout[yr + ow];
                                    yout[yr + ow] = v > acc ? v : acc;
                                }
                            }
                        }
                    }
                }
                MemorySegment.copy(yout, 0, ys, F, p * op * 4, nb * op);
            }
        });
    }

    /**
     * The reference scan's result for a 2x2 window (a, b, c, d in row-major order): the max with
     * NaN never winning, -Float.MAX_VALUE when nothing beats it, and among equal values the first
     * (which only shows for +0 and -0). The forward loop takes Math.max, which compiles without
     * branches and vectorises (a compare-select on random data mispredicts about every other
     * window), and calls this only where Math.max could answer differently: a NaN, an infinite
     * or lowest result, or a zero.
     */
    private static float max4(float a, float b, float c, float d) {
        float m = -Float.MAX_VALUE;
        m = a > m ? a : m;
        m = b > m ? b : m;
        m = c > m ? c : m;
        return d > m ? d : m;
    }

    /** dx = dy routed to the first maximal element of each window (0 elsewhere); y is the forward output. */
    static void backward(PoolParams pp, Tensor dy, Tensor x, Tensor y, Tensor dx) {
        int inH = (int) pp.in[0], inW = (int) pp.in[1], oH = (int) pp.out[0], oW = (int) pp.out[1];
        int kh = (int) pp.kernel[0], kw = (int) pp.kernel[1];
        int ip = inH * inW, op = oH * oW, blk = block(pp);
        long planes = planes(x, pp);
        MemorySegment gs = dy.segment(), xs = x.segment(), ys = y.segment(), ds = dx.segment();
        CpuParallel.forRange(planes, Math.max(1, (1 << 15) / ip), (p0, p1) -> {
            float[] xin = new float[blk * ip], din = new float[blk * ip], yin = new float[blk * op], gin = new float[blk * op];
            for (long p = p0; p < p1; p += blk) {
                int nb = (int) Math.min(blk, p1 - p);
                MemorySegment.copy(xs, F, p * ip * 4, xin, 0, nb * ip);
                MemorySegment.copy(ys, F, p * op * 4, yin, 0, nb * op);
                MemorySegment.copy(gs, F, p * op * 4, gin, 0, nb * op);
                java.util.Arrays.fill(din, 0, nb * ip, 0f);
                for (int b = 0; b < nb; b++) {
                    int xb = b * ip, yb = b * op;
                    for (int oh = 0; oh < oH; oh++) {
                        int r0 = xb + oh * kh * inW, yr = yb + oh * oW;
                        if (kh == 2 && kw == 2) {
                            int r1 = r0 + inW;
                            for (int ow = 0, c = 0; ow < oW; ow++, c += 2) {
                                // branch-free: a mask for the first element equal to the max (which one is random data)
                                float yv = yin[yr + ow];
                                int g = Float.floatToRawIntBits(gin[yr + ow]);
                                int e0 = xin[r0 + c] == yv ? -1 : 0;
                                int e1 = (xin[r0 + c + 1] == yv ? -1 : 0) & ~e0;
                                int e2 = (xin[r1 + c] == yv ? -1 : 0) & ~(e0 | e1);
                                int e3 = (xin[r1 + c + 1] == yv ? -1 : 0) & ~(e0 | e1 | e2);
                                din[r0 + c] = Float.intBitsToFloat(g & e0);
                                din[r0 + c + 1] = Float.intBitsToFloat(g & e1);
                                din[r1 + c] = Float.intBitsToFloat(g & e2);
                                din[r1 + c + 1] = Float.intBitsToFloat(g & e3);
                            }
                            continue;
                        }
                        for (int ow = 0; ow < oW; ow++) {
                            float yv = yin[yr + ow];
                            int row = r0 + ow * kw;
                            search:
                            for (int i = 0; i < kh; i++, row += inW) {
                                for (int j = 0; j < kw; j++) {
                                    if (xin[row + j] == yv) {
                                        din[row + j] = gin[yr + ow];
                                        break search;
                                    }
                                }
                            }
                        }
                    }
                }
                MemorySegment.copy(din, 0, ds, F, p * ip * 4, nb * ip);
            }
        });
    }
}
