package dev.mxj.cpu.kernels;

import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CPU kernels of UpSampling (nearest; bilinear goes through the Deconvolution kernels),
 * BilinearSampler, GridGenerator and ROIPooling, following MXNet's CPU loops
 * (src/operator/bilinear_sampler.cc, grid_generator-inl.h, roi_pooling.cc) so edge behaviour
 * matches: zeros outside the sampled image, -FLT_MAX in ROI bins that hold nothing larger,
 * std::round (half away from zero) for ROI corners, float arithmetic for float32 ROI geometry.
 */
final class SamplingKernels {
    private SamplingKernels() {}

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private static double get(MemorySegment m, boolean f32, long i) { return f32 ? m.getAtIndex(F, i) : m.getAtIndex(D, i); }

    private static void set(MemorySegment m, boolean f32, long i, double v) {
        if (f32) m.setAtIndex(F, i, (float) v);
        else m.setAtIndex(D, i, v);
    }

    private static void add(MemorySegment m, boolean f32, long i, double v) { set(m, f32, i, get(m, f32, i) + v); }

    // ------------------------------------------------------------------ UpSampling (nearest)

    static void upSampling(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        if (a.getString("sample_type").equals("bilinear")) {
            ConvolutionKernels.upSamplingBilinear(ctx, a, in, req, out);
            return;
        }
        boolean f32 = out[0].dtype() == DType.FLOAT32, sum = a.getString("multi_input_mode").equals("sum");
        MemorySegment y = out[0].segment();
        if (req[0] != OpReq.ADD) y.fill((byte) 0);
        long n = out[0].shape().dim(0), ct = out[0].shape().dim(1), oh = out[0].shape().dim(2), ow = out[0].shape().dim(3);
        long off = 0;
        for (Tensor t : in) {
            long c = t.shape().dim(1), h = t.shape().dim(2), w = t.shape().dim(3), sh = oh / h, sw = ow / w;
            MemorySegment x = t.segment();
            long cOff = sum ? 0 : off;
            CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, oh * ow)), (from, to) -> {
                for (long nc = from; nc < to; nc++) {
                    long img = nc / c, ch = nc % c;
                    long src = nc * h * w, dst = (img * ct + cOff + ch) * oh * ow;
                    for (long i = 0; i < oh; i++) {
                        for (long j = 0; j < ow; j++) add(y, f32, dst + i * ow + j, get(x, f32, src + (i / sh) * w + j / sw));
                    }
                }
            });
            off += c;
        }
    }

    /** in: out_grad, forward inputs; out: their gradients. */
    static void upSamplingBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (a.getString("sample_type").equals("bilinear")) {
            ConvolutionKernels.upSamplingBilinearBackward(ctx, a, in, req, out);
            return;
        }
        Tensor gy = in[0];
        boolean f32 = gy.dtype() == DType.FLOAT32, sum = a.getString("multi_input_mode").equals("sum");
        long ct = gy.shape().dim(1), oh = gy.shape().dim(2), ow = gy.shape().dim(3);
        MemorySegment g = gy.segment();
        long off = 0;
        for (int k = 0; k < out.length; k++) {
            Tensor gx = out[k];
            long n = gx.shape().dim(0), c = gx.shape().dim(1), h = gx.shape().dim(2), w = gx.shape().dim(3), sh = oh / h, sw = ow / w;
            long cOff = sum ? 0 : off;
            off += c;
            if (req[k] == OpReq.NULL) continue;
            boolean acc = req[k] == OpReq.ADD;
            MemorySegment x = gx.segment();
            CpuParallel.forRange(n * c, Math.max(1, (1 << 15) / Math.max(1, oh * ow)), (from, to) -> {
                for (long nc = from; nc < to; nc++) {
                    long img = nc / c, ch = nc % c;
                    long src = (img * ct + cOff + ch) * oh * ow, dst = nc * h * w;
                    for (long i = 0; i < h; i++) {
                        for (long j = 0; j < w; j++) {
                            double s = 0;
                            for (long u = 0; u < sh; u++) for (long v = 0; v < sw; v++) s += get(g, f32, src + (i * sh + u) * ow + j * sw + v);
                            long di = dst + i * w + j;
                            set(x, f32, di, acc ? get(x, f32, di) + s : s);
                        }
                    }
                }
            });
        }
    }

    // ------------------------------------------------------------------ BilinearSampler

    /** in: data (N, C, IH, IW), grid (N, 2, OH, OW); out: (N, C, OH, OW). */
    static void bilinearSampler(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        boolean f32 = in[0].dtype() == DType.FLOAT32, acc = req[0] == OpReq.ADD;
        long n = in[0].shape().dim(0), c = in[0].shape().dim(1), ih = in[0].shape().dim(2), iw = in[0].shape().dim(3);
        long oh = in[1].shape().dim(2), ow = in[1].shape().dim(3);
        MemorySegment x = in[0].segment(), grid = in[1].segment(), y = out[0].segment();
        CpuParallel.forRange(n * c, Math.max(1, (1 << 14) / Math.max(1, oh * ow)), (from, to) -> {
            for (long nc = from; nc < to; nc++) {
                long b = nc / c;
                for (long h = 0; h < oh; h++) {
                    for (long w = 0; w < ow; w++) {
                        long gi = b * oh * ow * 2 + h * ow + w;
                        double yr = (get(grid, f32, gi + oh * ow) + 1) * (ih - 1) / 2, xr = (get(grid, f32, gi) + 1) * (iw - 1) / 2;
                        long ty = (long) Math.floor(yr), tx = (long) Math.floor(xr);
                        double wy = 1 - (yr - ty), wx = 1 - (xr - tx);
                        long base = nc * ih * iw;
                        double v = pixel(x, f32, base, ty, tx, ih, iw) * wy * wx + pixel(x, f32, base, ty, tx + 1, ih, iw) * wy * (1 - wx)
                                + pixel(x, f32, base, ty + 1, tx, ih, iw) * (1 - wy) * wx + pixel(x, f32, base, ty + 1, tx + 1, ih, iw) * (1 - wy) * (1 - wx);
                        long oi = nc * oh * ow + h * ow + w;
                        set(y, f32, oi, acc ? get(y, f32, oi) + v : v);
                    }
                }
            }
        });
    }

    private static double pixel(MemorySegment x, boolean f32, long base, long yy, long xx, long ih, long iw) {
        return yy >= 0 && yy < ih && xx >= 0 && xx < iw ? get(x, f32, base + yy * iw + xx) : 0;
    }

    /** in: out_grad, data, grid; out: data_grad, grid_grad. */
    static void bilinearSamplerBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        boolean f32 = in[1].dtype() == DType.FLOAT32;
        long n = in[1].shape().dim(0), c = in[1].shape().dim(1), ih = in[1].shape().dim(2), iw = in[1].shape().dim(3);
        long oh = in[2].shape().dim(2), ow = in[2].shape().dim(3);
        MemorySegment gy = in[0].segment(), x = in[1].segment(), grid = in[2].segment();
        MemorySegment gx = req[0] == OpReq.NULL ? null : out[0].segment(), gg = req[1] == OpReq.NULL ? null : out[1].segment();
        if (gx != null && req[0] != OpReq.ADD) gx.fill((byte) 0);
        if (gg != null && req[1] != OpReq.ADD) gg.fill((byte) 0);
        if (gx == null && gg == null) return;
        CpuParallel.forRange(n, 1, (from, to) -> {
            for (long b = from; b < to; b++) {
                for (long h = 0; h < oh; h++) {
                    for (long w = 0; w < ow; w++) {
                        long gi = b * oh * ow * 2 + h * ow + w;
                        double yr = (get(grid, f32, gi + oh * ow) + 1) * (ih - 1) / 2, xr = (get(grid, f32, gi) + 1) * (iw - 1) / 2;
                        long ty = (long) Math.floor(yr), tx = (long) Math.floor(xr);
                        double wy = 1 - (yr - ty), wx = 1 - (xr - tx);
                        double gwy = 0, gwx = 0;
                        for (long ch = 0; ch < c; ch++) {
                            double g = get(gy, f32, ((b * c + ch) * oh + h) * ow + w);
                            long base = (b * c + ch) * ih * iw;
                            double tl = pixel(x, f32, base, ty, tx, ih, iw), tr = pixel(x, f32, base, ty, tx + 1, ih, iw);
                            double bl = pixel(x, f32, base, ty + 1, tx, ih, iw), br = pixel(x, f32, base, ty + 1, tx + 1, ih, iw);
                            if (gx != null) {
                                scatter(gx, f32, base, ty, tx, ih, iw, g * wy * wx);
                                scatter(gx, f32, base, ty, tx + 1, ih, iw, g * wy * (1 - wx));
                                scatter(gx, f32, base, ty + 1, tx, ih, iw, g * (1 - wy) * wx);
                                scatter(gx, f32, base, ty + 1, tx + 1, ih, iw, g * (1 - wy) * (1 - wx));
                            }
                            // d out / d wy and d wx; wy and wx fall as y_real and x_real grow
                            gwy -= g * (tr - br + (tl - tr - bl + br) * wx);
                            gwx -= g * (bl - br + (tl - tr - bl + br) * wy);
                        }
                        if (gg != null) {
                            add(gg, f32, gi + oh * ow, gwy * (ih - 1) / 2);
                            add(gg, f32, gi, gwx * (iw - 1) / 2);
                        }
                    }
                }
            }
        });
    }

    private static void scatter(MemorySegment m, boolean f32, long base, long yy, long xx, long ih, long iw, double v) {
        if (yy >= 0 && yy < ih && xx >= 0 && xx < iw) add(m, f32, base + yy * iw + xx, v);
    }

    // ------------------------------------------------------------------ GridGenerator

    static void gridGenerator(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        boolean f32 = in[0].dtype() == DType.FLOAT32, acc = req[0] == OpReq.ADD;
        MemorySegment d = in[0].segment(), y = out[0].segment();
        long n = out[0].shape().dim(0), h = out[0].shape().dim(2), w = out[0].shape().dim(3);
        boolean affine = a.getString("transform_type").equals("affine");
        double sx = 2.0 / (w - 1), sy = 2.0 / (h - 1), hw = (w - 1) / 2.0, hh = (h - 1) / 2.0;
        for (long b = 0; b < n; b++) {
            for (long i = 0; i < h; i++) {
                for (long j = 0; j < w; j++) {
                    double vx, vy;
                    if (affine) {
                        double xt = -1 + j * sx, yt = -1 + i * sy;
                        vx = get(d, f32, b * 6) * xt + get(d, f32, b * 6 + 1) * yt + get(d, f32, b * 6 + 2);
                        vy = get(d, f32, b * 6 + 3) * xt + get(d, f32, b * 6 + 4) * yt + get(d, f32, b * 6 + 5);
                    } else {
                        vx = (get(d, f32, ((b * 2) * h + i) * w + j) + j) / hw - 1;
                        vy = (get(d, f32, ((b * 2 + 1) * h + i) * w + j) + i) / hh - 1;
                    }
                    long ox = ((b * 2) * h + i) * w + j, oy = ((b * 2 + 1) * h + i) * w + j;
                    set(y, f32, ox, acc ? get(y, f32, ox) + vx : vx);
                    set(y, f32, oy, acc ? get(y, f32, oy) + vy : vy);
                }
            }
        }
    }

    /** in: out_grad, data; out: data_grad. */
    static void gridGeneratorBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        boolean f32 = in[0].dtype() == DType.FLOAT32, acc = req[0] == OpReq.ADD;
        MemorySegment g = in[0].segment(), gd = out[0].segment();
        long n = in[0].shape().dim(0), h = in[0].shape().dim(2), w = in[0].shape().dim(3);
        if (a.getString("transform_type").equals("affine")) {
            double sx = 2.0 / (w - 1), sy = 2.0 / (h - 1);
            for (long b = 0; b < n; b++) {
                for (int r = 0; r < 2; r++) {
                    double s0 = 0, s1 = 0, s2 = 0;
                    for (long i = 0; i < h; i++) {
                        for (long j = 0; j < w; j++) {
                            double v = get(g, f32, ((b * 2 + r) * h + i) * w + j);
                            s0 += v * (-1 + j * sx);
                            s1 += v * (-1 + i * sy);
                            s2 += v;
                        }
                    }
                    double[] s = {s0, s1, s2};
                    for (int k = 0; k < 3; k++) {
                        long o = b * 6 + r * 3 + k;
                        set(gd, f32, o, acc ? get(gd, f32, o) + s[k] : s[k]);
                    }
                }
            }
        } else {
            double hw = (w - 1) / 2.0, hh = (h - 1) / 2.0;
            for (long b = 0; b < n; b++) {
                for (int r = 0; r < 2; r++) {
                    for (long k = 0; k < h * w; k++) {
                        long o = (b * 2 + r) * h * w + k;
                        double v = get(g, f32, o) / (r == 0 ? hw : hh);
                        set(gd, f32, o, acc ? get(gd, f32, o) + v : v);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ ROIPooling

    /** C++ std::round: halfway cases away from zero. */
    private static long round(double v) { return (long) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5)); }

    /** in: data (N, C, H, W), rois (R, 5); out: output (R, C, PH, PW), maxidx (int32, same shape). */
    static void roiPooling(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        boolean f32 = in[0].dtype() == DType.FLOAT32;
        long n = in[0].shape().dim(0), c = in[0].shape().dim(1), height = in[0].shape().dim(2), width = in[0].shape().dim(3);
        long rois = in[1].shape().dim(0), ph = out[0].shape().dim(2), pw = out[0].shape().dim(3);
        float scale = (float) a.getDouble("spatial_scale");
        MemorySegment x = in[0].segment(), box = in[1].segment(), y = out[0].segment(), idx = out[1].segment();
        boolean writeY = req[0] != OpReq.NULL, addY = req[0] == OpReq.ADD, writeIdx = req[1] != OpReq.NULL;
        CpuParallel.forRange(rois * c, Math.max(1, 1024 / Math.max(1, ph * pw)), (from, to) -> {
            for (long rc = from; rc < to; rc++) {
                long r = rc / c, ch = rc % c;
                long[] g = roiGeometry(box, f32, r, scale);
                long batch = g[0];
                boolean invalid = batch < 0 || batch >= n;
                long rh = Math.max(g[4] - g[2] + 1, 1), rw = Math.max(g[3] - g[1] + 1, 1);
                double binH = f32 ? (float) rh / (float) ph : (double) rh / ph, binW = f32 ? (float) rw / (float) pw : (double) rw / pw;
                long plane = (batch * c + ch) * height * width;
                for (long i = 0; i < ph; i++) {
                    for (long j = 0; j < pw; j++) {
                        long hs = clamp((long) Math.floor(f32 ? (float) (i * binH) : i * binH) + g[2], height);
                        long he = clamp((long) Math.ceil(f32 ? (float) ((i + 1) * binH) : (i + 1) * binH) + g[2], height);
                        long ws = clamp((long) Math.floor(f32 ? (float) (j * binW) : j * binW) + g[1], width);
                        long we = clamp((long) Math.ceil(f32 ? (float) ((j + 1) * binW) : (j + 1) * binW) + g[1], width);
                        double best;
                        long arg = -1;
                        if (invalid || he <= hs || we <= ws) {
                            best = 0;
                        } else {
                            best = -Float.MAX_VALUE;
                            for (long hh = hs; hh < he; hh++) {
                                for (long ww = ws; ww < we; ww++) {
                                    double v = get(x, f32, plane + hh * width + ww);
                                    if (v > best) {
                                        best = v;
                                        arg = plane + hh * width + ww;
                                    }
                                }
                            }
                        }
                        long o = (rc * ph + i) * pw + j;
                        if (writeY) set(y, f32, o, addY ? get(y, f32, o) + best : best);
                        if (writeIdx) idx.setAtIndex(ValueLayout.JAVA_INT, o, req[1] == OpReq.ADD ? idx.getAtIndex(ValueLayout.JAVA_INT, o) + (int) arg : (int) arg);
                    }
                }
            }
        });
    }

    private static long clamp(long v, long hi) { return Math.min(Math.max(v, 0), hi); }

    /** {batch index, x1, y1, x2, y2} of ROI r, scaled and rounded as MXNet does (in float for float32). */
    private static long[] roiGeometry(MemorySegment box, boolean f32, long r, float scale) {
        long[] g = new long[5];
        g[0] = (long) get(box, f32, r * 5);
        for (int k = 1; k < 5; k++) {
            double v = get(box, f32, r * 5 + k);
            g[k] = round(f32 ? (float) v * scale : v * scale);
        }
        return g;
    }

    /** in: out_grad, maxidx, data; out: data_grad. */
    static void roiPoolingBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        boolean f32 = in[0].dtype() == DType.FLOAT32;
        MemorySegment g = in[0].segment(), idx = in[1].segment(), gx = out[0].segment();
        if (req[0] != OpReq.ADD) gx.fill((byte) 0);
        long total = out[0].size();
        for (long o = 0; o < in[0].size(); o++) {
            int k = idx.getAtIndex(ValueLayout.JAVA_INT, o);
            if (k >= 0 && k < total) add(gx, f32, k, get(g, f32, o));
        }
    }
}
