package dev.mxj.cpu.kernels;

import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.defs.PoolParams;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Pooling and its gradient in Java, for 1-D/2-D/3-D, channel-first and channel-last layouts,
 * with MXNet's window rules (src/operator/nn/pool.h): a window starts at {@code o*stride - pad},
 * ends at {@code min(start + kernel, in + pad)} for averaging (that span, or the part inside the
 * input when count_include_pad is false, is the divisor) and is clipped to the input for
 * reading. Max pooling starts from the lowest finite value, so padding never wins and NaN
 * never replaces a number; its gradient goes to the first maximal element of the window.
 * Work is split over (image, channel) planes, which the gradient needs to stay race-free.
 */
final class PoolingKernels {
    private PoolingKernels() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    /** Spatial strides and plane addressing of one layout, spatial axes padded to three. */
    private record Layout(long n, long c, long[] in, long[] out, long[] k, long[] s, long[] p, boolean channelLast) {
        static Layout of(PoolParams pp, long n, long c) {
            long[] in = {1, 1, 1}, out = {1, 1, 1}, k = {1, 1, 1}, s = {1, 1, 1}, p = new long[3];
            for (int i = 0; i < pp.nd; i++) {
                int j = 3 - pp.nd + i;
                in[j] = pp.in[i];
                out[j] = pp.out[i];
                k[j] = pp.kernel[i];
                s[j] = pp.stride[i];
                p[j] = pp.pad[i];
            }
            return new Layout(n, c, in, out, k, s, p, pp.channelLast);
        }

        long inPlane() { return in[0] * in[1] * in[2]; }

        long outPlane() { return out[0] * out[1] * out[2]; }

        /** Element index of (plane nc, spatial offset sp) in an array with {@code plane} spatial elements. */
        long index(long nc, long sp, long plane) {
            if (!channelLast) return nc * plane + sp;
            long img = nc / c, ch = nc % c;
            return (img * plane + sp) * c + ch;
        }
    }

    static void forward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        PoolParams pp = PoolParams.of(a, in[0].shape());
        long n = in[0].shape().dim(0), c = in[0].shape().dim(pp.channelLast ? pp.nd + 1 : 1);
        Layout l = Layout.of(pp, n, c);
        boolean f32 = in[0].dtype() == DType.FLOAT32, add = req[0] == OpReq.ADD;
        MemorySegment x = in[0].segment(), y = out[0].segment();
        long work = l.outPlane() * l.k[0] * l.k[1] * l.k[2];
        CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, work)), (from, to) -> {
            for (long nc = from; nc < to; nc++) forwardPlane(pp, l, f32, add, x, y, nc);
        });
    }

    private static void forwardPlane(PoolParams pp, Layout l, boolean f32, boolean add, MemorySegment x, MemorySegment y, long nc) {
        long[] in = l.in, k = l.k, s = l.s, p = l.p;
        long inPlane = l.inPlane(), outPlane = l.outPlane();
        double lowest = f32 ? -Float.MAX_VALUE : -Double.MAX_VALUE;
        long o = 0;
        for (long od = 0; od < l.out[0]; od++) {
            for (long oh = 0; oh < l.out[1]; oh++) {
                for (long ow = 0; ow < l.out[2]; ow++, o++) {
                    long d0 = od * s[0] - p[0], h0 = oh * s[1] - p[1], w0 = ow * s[2] - p[2];
                    long d1 = Math.min(d0 + k[0], in[0] + p[0]), h1 = Math.min(h0 + k[1], in[1] + p[1]), w1 = Math.min(w0 + k[2], in[2] + p[2]);
                    double size = (double) (d1 - d0) * (h1 - h0) * (w1 - w0);
                    d0 = Math.max(d0, 0); h0 = Math.max(h0, 0); w0 = Math.max(w0, 0);
                    d1 = Math.min(d1, in[0]); h1 = Math.min(h1, in[1]); w1 = Math.min(w1, in[2]);
                    if (!pp.countIncludePad) size = (double) Math.max(0, d1 - d0) * Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
                    double acc = pp.type == PoolParams.Type.MAX ? lowest : 0;
                    for (long id = d0; id < d1; id++) {
                        for (long ih = h0; ih < h1; ih++) {
                            for (long iw = w0; iw < w1; iw++) {
                                double v = get(x, f32, l.index(nc, (id * in[1] + ih) * in[2] + iw, inPlane));
                                switch (pp.type) {
                                    case MAX -> { if (v > acc) acc = v; }
                                    case AVG, SUM -> acc += v;
                                    case LP -> acc += pp.pValue == 1 ? v : pp.pValue == 2 ? v * v : v * v * v;
                                }
                            }
                        }
                    }
                    double r = switch (pp.type) {
                        case MAX, SUM -> acc;
                        case AVG -> size == 0 ? 0 : acc / size;
                        case LP -> pp.pValue == 1 ? acc : pp.pValue == 2 ? Math.sqrt(acc) : Math.cbrt(acc);
                    };
                    long yi = l.index(nc, o, outPlane);
                    set(y, f32, yi, add ? get(y, f32, yi) + r : r);
                }
            }
        }
    }

    /** in: out_grad, data, output; out: data_grad. */
    static void backward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        PoolParams pp = PoolParams.of(a, in[1].shape());
        long n = in[1].shape().dim(0), c = in[1].shape().dim(pp.channelLast ? pp.nd + 1 : 1);
        Layout l = Layout.of(pp, n, c);
        boolean f32 = in[1].dtype() == DType.FLOAT32;
        MemorySegment dy = in[0].segment(), x = in[1].segment(), y = in[2].segment(), dx = out[0].segment();
        if (req[0] != OpReq.ADD) dx.fill((byte) 0);
        long work = l.outPlane() * l.k[0] * l.k[1] * l.k[2];
        CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, work)), (from, to) -> {
            for (long nc = from; nc < to; nc++) backwardPlane(pp, l, f32, dy, x, y, dx, nc);
        });
    }

    private static void backwardPlane(PoolParams pp, Layout l, boolean f32, MemorySegment dy, MemorySegment x, MemorySegment y,
                                      MemorySegment dx, long nc) {
        long[] in = l.in, k = l.k, s = l.s, p = l.p;
        long inPlane = l.inPlane(), outPlane = l.outPlane();
        long o = 0;
        for (long od = 0; od < l.out[0]; od++) {
            for (long oh = 0; oh < l.out[1]; oh++) {
                for (long ow = 0; ow < l.out[2]; ow++, o++) {
                    long d0 = od * s[0] - p[0], h0 = oh * s[1] - p[1], w0 = ow * s[2] - p[2];
                    long d1 = Math.min(d0 + k[0], in[0] + p[0]), h1 = Math.min(h0 + k[1], in[1] + p[1]), w1 = Math.min(w0 + k[2], in[2] + p[2]);
                    double size = (double) (d1 - d0) * (h1 - h0) * (w1 - w0);
                    d0 = Math.max(d0, 0); h0 = Math.max(h0, 0); w0 = Math.max(w0, 0);
                    d1 = Math.min(d1, in[0]); h1 = Math.min(h1, in[1]); w1 = Math.min(w1, in[2]);
                    if (pp.type == PoolParams.Type.SUM || pp.type == PoolParams.Type.LP) size = 1;
                    else if (!pp.countIncludePad) size = (double) Math.max(0, d1 - d0) * Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
                    long oi = l.index(nc, o, outPlane);
                    double g = get(dy, f32, oi), yv = get(y, f32, oi);
                    search:
                    for (long id = d0; id < d1; id++) {
                        for (long ih = h0; ih < h1; ih++) {
                            for (long iw = w0; iw < w1; iw++) {
                                long xi = l.index(nc, (id * in[1] + ih) * in[2] + iw, inPlane);
                                double xv = get(x, f32, xi);
                                double gi;
                                if (pp.type == PoolParams.Type.MAX) {
                                    if (xv != yv) continue;
                                    set(dx, f32, xi, get(dx, f32, xi) + g);
                                    break search;
                                } else if (pp.type == PoolParams.Type.LP && pp.pValue > 1) {
                                    gi = yv == 0 ? 0 : pp.pValue == 2 ? g * (xv / yv) : g * (xv / yv) * (xv / yv);
                                } else {
                                    gi = g;
                                }
                                set(dx, f32, xi, get(dx, f32, xi) + gi / size);
                            }
                        }
                    }
                }
            }
        }
    }

    private static double get(MemorySegment m, boolean f32, long i) { return f32 ? m.getAtIndex(F, i) : m.getAtIndex(D, i); }

    private static void set(MemorySegment m, boolean f32, long i, double v) {
        if (f32) m.setAtIndex(F, i, (float) v);
        else m.setAtIndex(D, i, v);
    }
}
