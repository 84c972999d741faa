package dev.mxj.cpu.kernels;

import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.defs.PoolParams;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Pooling and its gradient in Java, for 1-D/2-D/3-D, channel-first and channel-last layouts,
 * with MXNet's window rules (src/operator/nn/pool.h): a window starts at {@code o*stride - pad},
 * ends at {@code min(start + kernel, in + pad)} for averaging (that span, or the part inside the
 * input when count_include_pad is false, is the divisor) and is clipped to the input for
 * reading. Max pooling starts from the lowest finite value, so padding never wins and NaN
 * never replaces a number; its gradient goes to the first maximal element of the window.
 * Work is split over (image, channel) planes, which the gradient needs to stay race-free.
 * Float32 max/avg pooling of channel-first data goes to oneDNN when it pools exactly like this
 * ({@link Dnnl#usePooling}).
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

    /**
     * Window bounds per output index along each of the three axes, computed once per call:
     * lo/hi clipped to the input, span the extent clipped to the padded input (avg divisor).
     */
    private record Windows(int[][] lo, int[][] hi, int[][] span) {
        static Windows of(Layout l) {
            int[][] lo = new int[3][], hi = new int[3][], span = new int[3][];
            for (int ax = 0; ax < 3; ax++) {
                int n = (int) l.out[ax];
                lo[ax] = new int[n];
                hi[ax] = new int[n];
                span[ax] = new int[n];
                for (int o = 0; o < n; o++) {
                    long start = o * l.s[ax] - l.p[ax], end = Math.min(start + l.k[ax], l.in[ax] + l.p[ax]);
                    span[ax][o] = (int) (end - start);
                    lo[ax][o] = (int) Math.max(start, 0);
                    hi[ax][o] = (int) Math.max(Math.min(end, l.in[ax]), Math.max(start, 0));
                }
            }
            return new Windows(lo, hi, span);
        }

        /** Divisor of an average: the span within the padded input, or the valid part only. */
        double size(int od, int oh, int ow, boolean includePad) {
            if (includePad) return (double) span[0][od] * span[1][oh] * span[2][ow];
            return (double) (hi[0][od] - lo[0][od]) * (hi[1][oh] - lo[1][oh]) * (hi[2][ow] - lo[2][ow]);
        }
    }

    static void forward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        PoolParams pp = PoolParams.of(a, in[0].shape());
        if (Dnnl.usePooling(pp, in[0].dtype(), in[0].size(), req[0] == OpReq.ADD) && Dnnl.poolForward(pp, in[0], out[0], ctx)) return;
        if (TiledMax.applies(pp, req[0], in[0], out[0])) {
            TiledMax.forward(pp, in[0], out[0]);
            return;
        }
        long n = in[0].shape().dim(0), c = in[0].shape().dim(pp.channelLast ? pp.nd + 1 : 1);
        Layout l = Layout.of(pp, n, c);
        Windows win = Windows.of(l);
        boolean f32 = in[0].dtype() == DType.FLOAT32, add = req[0] == OpReq.ADD;
        MemorySegment x = in[0].segment(), y = out[0].segment();
        int inPlane = Math.toIntExact(l.inPlane()), outPlane = Math.toIntExact(l.outPlane());
        long work = l.outPlane() * l.k[0] * l.k[1] * l.k[2] + l.inPlane();
        CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, work)), (from, to) -> {
            Planes b = new Planes(inPlane, outPlane);
            for (long nc = from; nc < to; nc++) {
                b.load(x, f32, l, nc, inPlane, b.x);
                forwardPlane(pp, l, win, f32, b.x, b.y);
                b.store(y, f32, l, nc, outPlane, b.y, add);
            }
        });
    }

    /** Per-thread plane buffers: pooling works on one (image, channel) plane at a time, in heap arrays the JIT compiles tightly. */
    private static final class Planes {
        final double[] x, y, dy, old;
        final float[] f;

        Planes(int in, int out) {
            x = new double[in];
            y = new double[out];
            dy = new double[out];
            old = new double[Math.max(in, out)];
            f = new float[Math.max(in, out)];
        }

        /** Plane nc of an array with {@code plane} spatial elements into dst. */
        void load(MemorySegment m, boolean f32, Layout l, long nc, int plane, double[] dst) {
            long start = l.index(nc, 0, plane);
            if (!l.channelLast && f32) {
                MemorySegment.copy(m, F, start * 4, f, 0, plane);
                for (int i = 0; i < plane; i++) dst[i] = f[i];
            } else if (!l.channelLast) {
                MemorySegment.copy(m, D, start * 8, dst, 0, plane);
            } else {
                long stride = l.c;
                for (int i = 0; i < plane; i++) dst[i] = f32 ? m.getAtIndex(F, start + i * stride) : m.getAtIndex(D, start + i * stride);
            }
        }

        void store(MemorySegment m, boolean f32, Layout l, long nc, int plane, double[] src, boolean add) {
            long start = l.index(nc, 0, plane);
            if (add) {
                load(m, f32, l, nc, plane, old);
                for (int i = 0; i < plane; i++) old[i] += src[i];
                src = old;
            }
            if (!l.channelLast && f32) {
                for (int i = 0; i < plane; i++) f[i] = (float) src[i];
                MemorySegment.copy(f, 0, m, F, start * 4, plane);
            } else if (!l.channelLast) {
                MemorySegment.copy(src, 0, m, D, start * 8, plane);
            } else {
                long stride = l.c;
                for (int i = 0; i < plane; i++) {
                    if (f32) m.setAtIndex(F, start + i * stride, (float) src[i]);
                    else m.setAtIndex(D, start + i * stride, src[i]);
                }
            }
        }
    }

    private static void forwardPlane(PoolParams pp, Layout l, Windows win, boolean f32, double[] x, double[] y) {
        int inH = (int) l.in[1], inW = (int) l.in[2];
        int outD = (int) l.out[0], outH = (int) l.out[1], outW = (int) l.out[2];
        double lowest = f32 ? -Float.MAX_VALUE : -Double.MAX_VALUE;
        int[] dlo = win.lo()[0], dhi = win.hi()[0], hlo = win.lo()[1], hhi = win.hi()[1], wlo = win.lo()[2], whi = win.hi()[2];
        int o = 0;
        for (int od = 0; od < outD; od++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++, o++) {
                    int w0 = wlo[ow], w1 = whi[ow];
                    double acc;
                    if (pp.type == PoolParams.Type.MAX) {
                        acc = lowest;
                        for (int id = dlo[od]; id < dhi[od]; id++) {
                            for (int ih = hlo[oh]; ih < hhi[oh]; ih++) {
                                int row = (id * inH + ih) * inW;
                                for (int iw = w0; iw < w1; iw++) {
                                    double v = x[row + iw];
                                    acc = v > acc ? v : acc; // compare-select: NaN never wins, and no branch to mispredict
                                }
                            }
                        }
                    } else {
                        acc = 0;
                        int pv = pp.type == PoolParams.Type.LP ? pp.pValue : 1;
                        for (int id = dlo[od]; id < dhi[od]; id++) {
                            for (int ih = hlo[oh]; ih < hhi[oh]; ih++) {
                                int row = (id * inH + ih) * inW;
                                if (pv == 1) {
                                    for (int iw = w0; iw < w1; iw++) acc += x[row + iw];
                                } else {
                                    for (int iw = w0; iw < w1; iw++) {
                                        double v = x[row + iw];
                                        acc += pv == 2 ? v * v : v * v * v;
                                    }
                                }
                            }
                        }
                        if (pp.type == PoolParams.Type.AVG) {
                            double size = win.size(od, oh, ow, pp.countIncludePad);
                            acc = size == 0 ? 0 : acc / size;
                        } else if (pv == 2) {
                            acc = Math.sqrt(acc);
                        } else if (pv == 3) {
                            acc = Math.cbrt(acc);
                        }
                    }
                    y[o] = acc;
                }
            }
        }
    }

    /** in: out_grad, data, output; out: data_grad. */
    static void backward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        PoolParams pp = PoolParams.of(a, in[1].shape());
        if (TiledMax.applies(pp, req[0], in[1], out[0]) && in[0].dtype() == DType.FLOAT32 && in[2].dtype() == DType.FLOAT32) {
            TiledMax.backward(pp, in[0], in[1], in[2], out[0]);
            return;
        }
        if (Dnnl.usePooling(pp, in[1].dtype(), in[1].size(), req[0] == OpReq.ADD) && Dnnl.poolBackward(pp, in[0], in[1], out[0], ctx)) return;
        long n = in[1].shape().dim(0), c = in[1].shape().dim(pp.channelLast ? pp.nd + 1 : 1);
        Layout l = Layout.of(pp, n, c);
        Windows win = Windows.of(l);
        boolean f32 = in[1].dtype() == DType.FLOAT32, add = req[0] == OpReq.ADD;
        MemorySegment dy = in[0].segment(), x = in[1].segment(), y = in[2].segment(), dx = out[0].segment();
        int inPlane = Math.toIntExact(l.inPlane()), outPlane = Math.toIntExact(l.outPlane());
        long work = l.outPlane() * l.k[0] * l.k[1] * l.k[2] + 2 * l.inPlane();
        CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, work)), (from, to) -> {
            Planes b = new Planes(inPlane, outPlane);
            double[] grad = new double[inPlane];
            for (long nc = from; nc < to; nc++) {
                b.load(dy, f32, l, nc, outPlane, b.dy);
                b.load(x, f32, l, nc, inPlane, b.x);
                b.load(y, f32, l, nc, outPlane, b.y);
                Arrays.fill(grad, 0);
                backwardPlane(pp, l, win, b.dy, b.x, b.y, grad);
                b.store(dx, f32, l, nc, inPlane, grad, add);
            }
        });
    }

    private static void backwardPlane(PoolParams pp, Layout l, Windows win, double[] dy, double[] x, double[] y, double[] dx) {
        int inH = (int) l.in[1], inW = (int) l.in[2];
        int outD = (int) l.out[0], outH = (int) l.out[1], outW = (int) l.out[2];
        int[] dlo = win.lo()[0], dhi = win.hi()[0], hlo = win.lo()[1], hhi = win.hi()[1], wlo = win.lo()[2], whi = win.hi()[2];
        boolean max = pp.type == PoolParams.Type.MAX, lp = pp.type == PoolParams.Type.LP && pp.pValue > 1;
        int o = 0;
        for (int od = 0; od < outD; od++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++, o++) {
                    int w0 = wlo[ow], w1 = whi[ow];
                    double g = dy[o], yv = y[o];
                    if (max) {
                        search:
                        for (int id = dlo[od]; id < dhi[od]; id++) {
                            for (int ih = hlo[oh]; ih < hhi[oh]; ih++) {
                                int row = (id * inH + ih) * inW;
                                for (int iw = w0; iw < w1; iw++) {
                                    if (x[row + iw] == yv) {
                                        dx[row + iw] += g;
                                        break search;
                                    }
                                }
                            }
                        }
                        continue;
                    }
                    double size = pp.type == PoolParams.Type.AVG ? win.size(od, oh, ow, pp.countIncludePad) : 1;
                    double gs = g / size;
                    for (int id = dlo[od]; id < dhi[od]; id++) {
                        for (int ih = hlo[oh]; ih < hhi[oh]; ih++) {
                            int row = (id * inH + ih) * inW;
                            if (!lp) {
                                for (int iw = w0; iw < w1; iw++) dx[row + iw] += gs;
                            } else {
                                for (int iw = w0; iw < w1; iw++) {
                                    double r = x[row + iw] / yv;
                                    dx[row + iw] += yv == 0 ? 0 : pp.pValue == 2 ? g * r : g * r * r;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
