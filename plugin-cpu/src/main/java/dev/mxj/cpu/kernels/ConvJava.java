package dev.mxj.cpu.kernels;

import dev.mxj.device.OpContext;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The portable convolution path: im2col/col2im in Java plus GEMM ({@link Gemm}: OpenBLAS, or
 * the blocked Java GEMM without it). Handles every case — 1-D/2-D/3-D, stride, dilation,
 * padding, groups, float32 and float64 — and is what runs when oneDNN is missing or slower.
 *
 * <p>Images are processed in batches whose columns sit side by side in one im2col matrix, so
 * small feature maps still make GEMMs wide enough for BLAS to thread; the batch is capped so
 * the scratch matrix stays under {@link #COL_BYTES}. im2col and col2im run in parallel over
 * (image, channel) planes, which also keeps col2im's accumulation race-free.
 */
final class ConvJava {
    private ConvJava() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    /** Upper bound of the im2col scratch matrix. */
    static final long COL_BYTES = 64L << 20;
    /** Columns (batch * output pixels) a GEMM should have before batching stops. */
    private static final long TARGET_COLUMNS = 4096;

    private static int batch(ConvGeom g, DType t) {
        long p = Math.max(1, g.outSpatial());
        long nb = Math.min(g.n(), Math.max(1, (TARGET_COLUMNS + p - 1) / p));
        long perImage = Math.max(1, g.colRows() * p * t.byteSize());
        return (int) Math.max(1, Math.min(nb, COL_BYTES / perImage));
    }

    /** A 1x1 kernel with unit stride and no padding: the image itself is the im2col matrix. */
    private static boolean pointwise(ConvGeom g) {
        for (int j = 0; j < 3; j++) if (g.k()[j] != 1 || g.s()[j] != 1 || g.p()[j] != 0 || g.in()[j] != g.out()[j]) return false;
        return true;
    }

    /** y (+)= conv(x, w). Bias is added separately ({@link #addChannelBias}). */
    static void forward(ConvGeom g, DType t, MemorySegment x, MemorySegment w, MemorySegment y, boolean add, OpContext ctx) {
        long P = g.outSpatial(), R = g.colRows(), fg = g.outCg();
        int nb = batch(g, t);
        boolean direct = pointwise(g);
        MemorySegment col = direct && nb == 1 ? null : scratch(ctx, R * nb * P * t.byteSize());
        MemorySegment tmp = nb > 1 ? scratch(ctx, fg * nb * P * t.byteSize()) : null;
        for (long n0 = 0; n0 < g.n(); n0 += nb) {
            int b = (int) Math.min(nb, g.n() - n0);
            for (long grp = 0; grp < g.groups(); grp++) {
                MemorySegment bm = col;
                long bo = 0;
                if (col == null) {
                    bm = x;
                    bo = (n0 * g.inC() + grp * g.inCg()) * P;
                } else {
                    transfer(g, t, true, x, col, n0, b, grp);
                }
                if (b == 1) {
                    Gemm.gemm(t, false, false, fg, P, R, w, grp * fg * R, bm, bo, y, (n0 * g.outC() + grp * fg) * P, add);
                } else {
                    Gemm.gemm(t, false, false, fg, b * P, R, w, grp * fg * R, bm, bo, tmp, 0, false);
                    for (int bi = 0; bi < b; bi++) {
                        for (long f = 0; f < fg; f++) {
                            copyRow(t, tmp, f * b * P + bi * P, y, ((n0 + bi) * g.outC() + grp * fg + f) * P, P, add);
                        }
                    }
                }
            }
        }
    }

    /**
     * The backward pass of conv: dx (+)= conv^T(dy, w) when dx is given, dw (+)= dy (*) x when dw
     * is given. The gathered dy of a batch serves both.
     */
    static void backward(ConvGeom g, DType t, MemorySegment x, MemorySegment w, MemorySegment dy,
                         MemorySegment dx, boolean dxAdd, MemorySegment dw, boolean dwAdd, OpContext ctx) {
        if (dx == null && dw == null) return;
        long P = g.outSpatial(), R = g.colRows(), fg = g.outCg();
        int nb = batch(g, t);
        boolean direct = pointwise(g) && nb == 1;
        MemorySegment col = direct ? null : scratch(ctx, R * nb * P * t.byteSize());
        MemorySegment dyb = nb > 1 ? scratch(ctx, fg * nb * P * t.byteSize()) : null;
        if (dx != null && !dxAdd) dx.fill((byte) 0);
        boolean[] wrote = new boolean[(int) g.groups()];
        for (long n0 = 0; n0 < g.n(); n0 += nb) {
            int b = (int) Math.min(nb, g.n() - n0);
            for (long grp = 0; grp < g.groups(); grp++) {
                MemorySegment a = dy;
                long ao = (n0 * g.outC() + grp * fg) * P;
                if (b > 1) {
                    for (int bi = 0; bi < b; bi++) {
                        for (long f = 0; f < fg; f++) copyRow(t, dy, ((n0 + bi) * g.outC() + grp * fg + f) * P, dyb, f * b * P + bi * P, P, false);
                    }
                    a = dyb;
                    ao = 0;
                }
                long cols = b * P;
                if (dw != null) {
                    MemorySegment bm = col;
                    long bo = 0;
                    if (col == null) {
                        bm = x;
                        bo = (n0 * g.inC() + grp * g.inCg()) * P;
                    } else {
                        transfer(g, t, true, x, col, n0, b, grp);
                    }
                    boolean acc = wrote[(int) grp] || dwAdd;
                    Gemm.gemm(t, false, true, fg, R, cols, a, ao, bm, bo, dw, grp * fg * R, acc);
                    wrote[(int) grp] = true;
                }
                if (dx != null) {
                    if (col == null) {
                        // pointwise: dx block (Cg x P) += w^T dy directly
                        Gemm.gemm(t, true, false, R, cols, fg, w, grp * fg * R, a, ao, dx, (n0 * g.inC() + grp * g.inCg()) * P, true);
                    } else {
                        Gemm.gemm(t, true, false, R, cols, fg, w, grp * fg * R, a, ao, col, 0, false);
                        transfer(g, t, false, dx, col, n0, b, grp);
                    }
                }
            }
        }
        if (dw != null && !dwAdd) {
            for (long grp = 0; grp < g.groups(); grp++) if (!wrote[(int) grp]) dw.asSlice(grp * fg * R * t.byteSize(), fg * R * t.byteSize()).fill((byte) 0);
        }
    }

    private static MemorySegment scratch(OpContext ctx, long bytes) {
        var s = ctx.tempSpace(Math.max(1, bytes));
        return s.hostSegment().asSlice(0, Math.max(1, bytes));
    }

    /** dst[do + i] (+)= src[so + i] for n elements. */
    private static void copyRow(DType t, MemorySegment src, long so, MemorySegment dst, long dOff, long n, boolean add) {
        long e = t.byteSize();
        if (!add) {
            MemorySegment.copy(src, so * e, dst, dOff * e, n * e);
        } else if (t == DType.FLOAT32) {
            for (long i = 0; i < n; i++) dst.setAtIndex(F, dOff + i, dst.getAtIndex(F, dOff + i) + src.getAtIndex(F, so + i));
        } else {
            for (long i = 0; i < n; i++) dst.setAtIndex(D, dOff + i, dst.getAtIndex(D, dOff + i) + src.getAtIndex(D, so + i));
        }
    }

    /**
     * im2col ({@code toCol}: col = patches of img) or col2im (img += col scattered back) for
     * images [n0, n0 + b) and group grp. col has R = Cg*K rows of b*P columns; image bi fills
     * columns [bi*P, (bi+1)*P).
     */
    static void transfer(ConvGeom g, DType t, boolean toCol, MemorySegment img, MemorySegment col, long n0, int b, long grp) {
        long cg = g.inCg(), P = g.outSpatial(), L = b * P, inSp = g.inSpatial(), K = g.kernelSize();
        long work = P * K;
        CpuParallel.forRange(b * cg, Math.max(1, (1 << 15) / Math.max(1, work)), (from, to) -> {
            for (long item = from; item < to; item++) {
                long bi = item / cg, c = item % cg;
                long imgBase = ((n0 + bi) * g.inC() + grp * cg + c) * inSp;
                planes(g, t, toCol, img, imgBase, col, c * K, L, bi * P);
            }
        });
    }

    /** One (image, channel) plane against its K rows of col (starting at row r0, columns from c0). */
    private static void planes(ConvGeom g, DType t, boolean toCol, MemorySegment img, long imgBase, MemorySegment col, long r0, long L, long c0) {
        long[] in = g.in(), out = g.out(), k = g.k(), s = g.s(), d = g.d(), p = g.p();
        boolean f32 = t == DType.FLOAT32;
        long e = t.byteSize();
        long oW = out[2], inW = in[2], sw = s[2];
        long r = r0;
        for (long kd = 0; kd < k[0]; kd++) {
            for (long kh = 0; kh < k[1]; kh++) {
                for (long kw = 0; kw < k[2]; kw++, r++) {
                    long off = kw * d[2] - p[2];
                    // output columns whose input column iw = ow*sw + off lies in [0, inW)
                    long lo = off >= 0 ? 0 : Math.min(oW, (-off + sw - 1) / sw);
                    long hi = inW - 1 - off < 0 ? 0 : Math.min(oW, (inW - 1 - off) / sw + 1);
                    if (hi < lo) hi = lo;
                    long dst = r * L + c0;
                    for (long od = 0; od < out[0]; od++) {
                        long id = od * s[0] - p[0] + kd * d[0];
                        for (long oh = 0; oh < out[1]; oh++, dst += oW) {
                            long ih = oh * s[1] - p[1] + kh * d[1];
                            boolean inside = id >= 0 && id < in[0] && ih >= 0 && ih < in[1];
                            if (toCol) {
                                if (!inside) {
                                    zero(col, f32, dst, oW);
                                    continue;
                                }
                                if (lo > 0) zero(col, f32, dst, lo);
                                if (hi < oW) zero(col, f32, dst + hi, oW - hi);
                                long src = imgBase + (id * in[1] + ih) * inW + off;
                                if (sw == 1) {
                                    if (hi > lo) MemorySegment.copy(img, (src + lo) * e, col, (dst + lo) * e, (hi - lo) * e);
                                } else if (f32) {
                                    for (long ow = lo; ow < hi; ow++) col.setAtIndex(F, dst + ow, img.getAtIndex(F, src + ow * sw));
                                } else {
                                    for (long ow = lo; ow < hi; ow++) col.setAtIndex(D, dst + ow, img.getAtIndex(D, src + ow * sw));
                                }
                            } else if (inside) {
                                long src = imgBase + (id * in[1] + ih) * inW + off;
                                if (f32) {
                                    for (long ow = lo; ow < hi; ow++) {
                                        long ii = src + ow * sw;
                                        img.setAtIndex(F, ii, img.getAtIndex(F, ii) + col.getAtIndex(F, dst + ow));
                                    }
                                } else {
                                    for (long ow = lo; ow < hi; ow++) {
                                        long ii = src + ow * sw;
                                        img.setAtIndex(D, ii, img.getAtIndex(D, ii) + col.getAtIndex(D, dst + ow));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Zero n elements from index i: a few stores for the pad columns at row edges, a bulk fill otherwise. */
    private static void zero(MemorySegment m, boolean f32, long i, long n) {
        if (n > 16) {
            m.asSlice(i * (f32 ? 4 : 8), n * (f32 ? 4 : 8)).fill((byte) 0);
        } else if (f32) {
            for (long j = i; j < i + n; j++) m.setAtIndex(F, j, 0f);
        } else {
            for (long j = i; j < i + n; j++) m.setAtIndex(D, j, 0d);
        }
    }

    /** out[n, c, :] += bias[c] for an (n, c, spatial) array. */
    static void addChannelBias(DType t, MemorySegment out, long n, long c, long spatial, MemorySegment bias) {
        CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, spatial)), (from, to) -> {
            for (long nc = from; nc < to; nc++) {
                long base = nc * spatial;
                if (t == DType.FLOAT32) {
                    float bv = bias.getAtIndex(F, nc % c);
                    for (long i = 0; i < spatial; i++) out.setAtIndex(F, base + i, out.getAtIndex(F, base + i) + bv);
                } else {
                    double bv = bias.getAtIndex(D, nc % c);
                    for (long i = 0; i < spatial; i++) out.setAtIndex(D, base + i, out.getAtIndex(D, base + i) + bv);
                }
            }
        });
    }

    /** db[c] (+)= sum over n and spatial of dy[n, c, :], accumulated in double. */
    static void channelSum(DType t, MemorySegment dy, long n, long c, long spatial, MemorySegment db, boolean add) {
        double[] acc = new double[(int) c];
        CpuParallel.forRange(c, Math.max(1, (1 << 15) / Math.max(1, n * spatial)), (from, to) -> {
            for (long ch = from; ch < to; ch++) {
                double sum = 0;
                for (long img = 0; img < n; img++) {
                    long base = (img * c + ch) * spatial;
                    if (t == DType.FLOAT32) {
                        for (long i = 0; i < spatial; i++) sum += dy.getAtIndex(F, base + i);
                    } else {
                        for (long i = 0; i < spatial; i++) sum += dy.getAtIndex(D, base + i);
                    }
                }
                acc[(int) ch] = sum;
            }
        });
        for (int ch = 0; ch < c; ch++) {
            if (t == DType.FLOAT32) db.setAtIndex(F, ch, (float) (acc[ch] + (add ? db.getAtIndex(F, ch) : 0)));
            else db.setAtIndex(D, ch, acc[ch] + (add ? db.getAtIndex(D, ch) : 0));
        }
    }
}
