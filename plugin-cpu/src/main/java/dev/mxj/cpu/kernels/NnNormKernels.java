package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.NnNormOps;

import java.lang.foreign.MemorySegment;

/**
 * BatchNorm, LayerNorm, InstanceNorm, GroupNorm and L2Normalization with their gradients.
 * Statistics accumulate in double. BatchNorm works per channel on the channel's "plane" (every
 * element with that channel index), the others per line ({@link NnLines.Axis}): LayerNorm's
 * lines run along its axis, InstanceNorm's and GroupNorm's are contiguous slices.
 */
final class NnNormKernels {
    private NnNormKernels() {}

    static void register(KernelTable t) {
        t.add("BatchNorm", NnNormKernels::batchNorm);
        t.add("_backward_BatchNorm", NnNormKernels::batchNormBackward);
        t.add("LayerNorm", (ctx, a, in, req, out) -> {
            Shape s = in[0].shape();
            normForward(in, req, out, NnLines.Axis.of(s, axis(a, s)), a.getDouble("eps"), true, 0, true);
        });
        t.add("_backward_LayerNorm", (ctx, a, in, req, out) -> {
            Shape s = in[1].shape();
            normBackward(in, req, out, NnLines.Axis.of(s, axis(a, s)), a.getDouble("eps"), true, 0, true);
        });
        t.add("InstanceNorm", (ctx, a, in, req, out) ->
                normForward(in, req, out, slices(in[0].shape(), in[0].shape().dim(1)), a.getDouble("eps"), false, (int) in[0].shape().dim(1), false));
        t.add("_backward_InstanceNorm", (ctx, a, in, req, out) ->
                normBackward(in, req, out, slices(in[1].shape(), in[1].shape().dim(1)), a.getDouble("eps"), false, (int) in[1].shape().dim(1), false));
        t.add("GroupNorm", (ctx, a, in, req, out) ->
                normForward(in, req, out, slices(in[0].shape(), a.getInt("num_groups")), a.getDouble("eps"), false, a.getInt("num_groups"), true));
        t.add("_backward_GroupNorm", (ctx, a, in, req, out) ->
                normBackward(in, req, out, slices(in[1].shape(), a.getInt("num_groups")), a.getDouble("eps"), false, a.getInt("num_groups"), true));
        t.add("L2Normalization", NnNormKernels::l2Normalization);
        t.add("_backward_L2Normalization", NnNormKernels::l2NormalizationBackward);
    }

    private static int axis(Attrs a, Shape s) {
        int ax = a.getInt("axis");
        return ax < 0 ? ax + s.ndim() : ax;
    }

    /** (batch * groups) contiguous slices: groups = channels for InstanceNorm, num_groups for GroupNorm. */
    private static NnLines.Axis slices(Shape s, long groupsPerInstance) {
        long count = s.dim(0) * groupsPerInstance;
        return new NnLines.Axis(count, Math.toIntExact(s.size() / Math.max(1, count)), 1);
    }

    // ------------------------------------------------------------------ BatchNorm

    /** Loads channel c's plane of (outer, channels, inner) data into dst. */
    private static void loadPlane(MemorySegment s, DType t, long outer, long channels, long inner, long c, double[] dst, double[] run) {
        if (inner == 1) {
            NnLines.load(s, t, c, channels, dst, (int) outer);
            return;
        }
        int n = (int) inner;
        for (long o = 0; o < outer; o++) {
            NnLines.load(s, t, (o * channels + c) * inner, 1, run, n);
            System.arraycopy(run, 0, dst, (int) (o * inner), n);
        }
    }

    private static void storePlane(MemorySegment s, DType t, long outer, long channels, long inner, long c, double[] v, double[] run, boolean add) {
        if (inner == 1) {
            NnLines.store(s, t, c, channels, v, (int) outer, add);
            return;
        }
        int n = (int) inner;
        for (long o = 0; o < outer; o++) {
            System.arraycopy(v, (int) (o * inner), run, 0, n);
            NnLines.store(s, t, (o * channels + c) * inner, 1, run, n, add);
        }
    }

    /** MXNet's VARIANCE_TO_INVSTD, with its 0 for a zero variance and eps = 0. */
    private static double invstd(double var, double eps) { return var == 0 && eps == 0 ? 0 : 1 / Math.sqrt(var + eps); }

    /**
     * inputs data, gamma, beta, moving_mean, moving_var; outputs out, mean, invstd. With batch
     * statistics the moving averages (inputs 3 and 4) are updated in place.
     */
    private static void batchNorm(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor x = in[0];
        Shape s = x.shape();
        int ax = axis(a, s);
        long outer = s.prod(0, ax), inner = s.prod(ax + 1, s.ndim());
        int channels = Math.toIntExact(s.dim(ax));
        long plane = outer * inner;
        double eps = a.getDouble("eps"), momentum = a.getDouble("momentum");
        boolean fixGamma = a.getBool("fix_gamma"), batch = NnNormOps.batchStats(a, ctx.isTrain());
        double[] gamma = NnLines.read(in[1]), beta = NnLines.read(in[2]), mm = NnLines.read(in[3]), mv = NnLines.read(in[4]);
        double[] mean = new double[channels], inv = new double[channels], var = new double[channels];
        MemorySegment xs = x.segment(), ys = out[0].segment();
        DType xt = x.dtype(), yt = out[0].dtype();
        boolean write = req[0] != OpReq.NULL, add = req[0] == OpReq.ADD;
        CpuParallel.forRange(channels, NnLines.grain(plane, 4), (c0, c1) -> {
            double[] v = new double[Math.toIntExact(plane)], run = new double[(int) inner];
            for (int c = (int) c0; c < c1; c++) {
                loadPlane(xs, xt, outer, channels, inner, c, v, run);
                if (batch) {
                    double sum = 0;
                    for (double e : v) sum += e;
                    double m = plane == 0 ? 0 : sum / plane, sq = 0;
                    for (double e : v) sq += (e - m) * (e - m);
                    mean[c] = m;
                    var[c] = plane == 0 ? 0 : sq / plane;
                    inv[c] = invstd(var[c], eps);
                } else {
                    mean[c] = mm[c];
                    inv[c] = invstd(mv[c], eps);
                }
                if (!write) continue;
                double w = (fixGamma ? 1 : gamma[c]) * inv[c], b = beta[c] - mean[c] * w;
                for (int i = 0; i < v.length; i++) v[i] = v[i] * w + b;
                storePlane(ys, yt, outer, channels, inner, c, v, run, add);
            }
        });
        NnLines.write(out[1], req[1], mean);
        NnLines.write(out[2], req[2], inv);
        if (batch) {
            for (int c = 0; c < channels; c++) {
                mm[c] = mm[c] * momentum + mean[c] * (1 - momentum);
                mv[c] = mv[c] * momentum + var[c] * (1 - momentum);
            }
            NnLines.write(in[3], OpReq.WRITE, mm);
            NnLines.write(in[4], OpReq.WRITE, mv);
        }
    }

    /**
     * inputs ograd, data, gamma, mean, invstd; outputs data_grad, gamma_grad, beta_grad. With
     * batch statistics data_grad = (g - mean(g) - xhat * mean(g * xhat)) * invstd * gamma,
     * else g * invstd * gamma (the statistics are constants).
     */
    private static void batchNormBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor g = in[0], x = in[1];
        Shape s = x.shape();
        int ax = axis(a, s);
        long outer = s.prod(0, ax), inner = s.prod(ax + 1, s.ndim());
        int channels = Math.toIntExact(s.dim(ax));
        long plane = outer * inner;
        boolean fixGamma = a.getBool("fix_gamma"), batch = NnNormOps.batchStats(a, ctx.isTrain());
        double[] gamma = NnLines.read(in[2]), mean = NnLines.read(in[3]), inv = NnLines.read(in[4]);
        double[] dgamma = new double[channels], dbeta = new double[channels];
        MemorySegment gs = g.segment(), xs = x.segment(), ds = out[0].segment();
        DType gt = g.dtype(), xt = x.dtype(), dt = out[0].dtype();
        boolean write = req[0] != OpReq.NULL, add = req[0] == OpReq.ADD;
        CpuParallel.forRange(channels, NnLines.grain(plane, 6), (c0, c1) -> {
            int n = Math.toIntExact(plane);
            double[] gv = new double[n], xv = new double[n], run = new double[(int) inner];
            for (int c = (int) c0; c < c1; c++) {
                loadPlane(gs, gt, outer, channels, inner, c, gv, run);
                loadPlane(xs, xt, outer, channels, inner, c, xv, run);
                double m = mean[c], is = inv[c], w = fixGamma ? 1 : gamma[c];
                double sumG = 0, dot = 0;
                for (int i = 0; i < n; i++) {
                    sumG += gv[i];
                    dot += (xv[i] - m) * gv[i];
                }
                dgamma[c] = fixGamma ? 0 : dot * is;
                dbeta[c] = sumG;
                if (!write) continue;
                if (batch && n > 0) {
                    double k = dot * is * is / n, gm = sumG / n, iw = is * w;
                    for (int i = 0; i < n; i++) gv[i] = (gv[i] - gm - (xv[i] - m) * k) * iw;
                } else {
                    double iw = is * w;
                    for (int i = 0; i < n; i++) gv[i] *= iw;
                }
                storePlane(ds, dt, outer, channels, inner, c, gv, run, add);
            }
        });
        NnLines.write(out[1], req[1], dgamma);
        NnLines.write(out[2], req[2], dbeta);
    }

    // ------------------------------------------------------------------ LayerNorm, InstanceNorm, GroupNorm

    /**
     * Normalise each line: out = (x - mean) / std * gamma + beta, std = sqrt(var + eps).
     * Parameters are per element of the line ({@code perElement}, LayerNorm) or per line index
     * modulo {@code groups} (InstanceNorm: channel, GroupNorm: group). The second statistic
     * output holds std ({@code statIsStd}) or var (InstanceNorm).
     */
    private static void normForward(Tensor[] in, OpReq[] req, Tensor[] out, NnLines.Axis ax, double eps, boolean perElement, int groups, boolean statIsStd) {
        Tensor x = in[0];
        double[] gamma = NnLines.read(in[1]), beta = NnLines.read(in[2]);
        int m = ax.len(), lines = Math.toIntExact(ax.lines());
        double[] mean = new double[lines], stat = new double[lines];
        MemorySegment xs = x.segment(), ys = out[0].segment();
        DType xt = x.dtype(), yt = out[0].dtype();
        boolean write = req[0] != OpReq.NULL, add = req[0] == OpReq.ADD;
        long inner = ax.inner();
        CpuParallel.forRange(lines, NnLines.grain(m, 5), (j0, j1) -> {
            double[] v = new double[m];
            for (int j = (int) j0; j < j1; j++) {
                long off = ax.offset(j);
                NnLines.load(xs, xt, off, inner, v, m);
                double sum = 0;
                for (double e : v) sum += e;
                double mu = m == 0 ? 0 : sum / m, sq = 0;
                for (double e : v) sq += (e - mu) * (e - mu);
                double var = m == 0 ? 0 : sq / m, std = Math.sqrt(var + eps);
                mean[j] = mu;
                stat[j] = statIsStd ? std : var;
                if (!write) continue;
                if (perElement) {
                    for (int i = 0; i < m; i++) v[i] = (v[i] - mu) / std * gamma[i] + beta[i];
                } else {
                    int p = j % groups;
                    for (int i = 0; i < m; i++) v[i] = (v[i] - mu) / std * gamma[p] + beta[p];
                }
                NnLines.store(ys, yt, off, inner, v, m, add);
            }
        });
        NnLines.write(out[1], req[1], mean);
        NnLines.write(out[2], req[2], stat);
    }

    /**
     * inputs ograd, data, gamma, mean, std (var for InstanceNorm); per line, with xhat the
     * normalised input and h = g * gamma: dx = (h - mean(h) - xhat * mean(h * xhat)) / std,
     * dgamma += g * xhat, dbeta += g.
     */
    private static void normBackward(Tensor[] in, OpReq[] req, Tensor[] out, NnLines.Axis ax, double eps, boolean perElement, int groups, boolean statIsStd) {
        Tensor g = in[0], x = in[1];
        double[] gamma = NnLines.read(in[2]), mean = NnLines.read(in[3]), stat = NnLines.read(in[4]);
        int m = ax.len(), lines = Math.toIntExact(ax.lines()), params = gamma.length;
        double[] dgamma = new double[params], dbeta = new double[params];
        MemorySegment gs = g.segment(), xs = x.segment(), ds = out[0].segment();
        DType gt = g.dtype(), xt = x.dtype(), dt = out[0].dtype();
        boolean write = req[0] != OpReq.NULL, add = req[0] == OpReq.ADD;
        long inner = ax.inner();
        Object lock = new Object();
        CpuParallel.forRange(lines, NnLines.grain(m, 8), (j0, j1) -> {
            double[] gv = new double[m], xv = new double[m], h = new double[m];
            double[] dg = new double[params], db = new double[params];
            for (int j = (int) j0; j < j1; j++) {
                long off = ax.offset(j);
                NnLines.load(gs, gt, off, inner, gv, m);
                NnLines.load(xs, xt, off, inner, xv, m);
                double mu = mean[j], std = statIsStd ? stat[j] : Math.sqrt(stat[j] + eps);
                double sumH = 0, sumHX = 0;
                for (int i = 0; i < m; i++) {
                    int p = perElement ? i : j % groups;
                    double xhat = (xv[i] - mu) / std;
                    xv[i] = xhat;
                    h[i] = gv[i] * gamma[p];
                    sumH += h[i];
                    sumHX += h[i] * xhat;
                    dg[p] += gv[i] * xhat;
                    db[p] += gv[i];
                }
                if (!write || m == 0) continue;
                double mh = sumH / m, mhx = sumHX / m;
                for (int i = 0; i < m; i++) h[i] = (h[i] - mh - xv[i] * mhx) / std;
                NnLines.store(ds, dt, off, inner, h, m, add);
            }
            synchronized (lock) {
                for (int p = 0; p < params; p++) { dgamma[p] += dg[p]; dbeta[p] += db[p]; }
            }
        });
        NnLines.write(out[1], req[1], dgamma);
        NnLines.write(out[2], req[2], dbeta);
    }

    // ------------------------------------------------------------------ L2Normalization

    /** instance: one line per instance; channel: lines along axis 1; spatial: one line per (instance, channel). */
    private static NnLines.Axis l2Lines(Attrs a, Shape s) {
        long n = s.dim(0);
        return switch (a.getString("mode")) {
            case "instance" -> new NnLines.Axis(n, Math.toIntExact(s.size() / Math.max(1, n)), 1);
            case "channel" -> NnLines.Axis.of(s, 1);
            default -> new NnLines.Axis(n * s.dim(1), Math.toIntExact(s.size() / Math.max(1, n * s.dim(1))), 1);
        };
    }

    /** out = x / norm, norm = sqrt(sum(x^2) + eps) per line. */
    private static void l2Normalization(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor x = in[0];
        NnLines.Axis ax = l2Lines(a, x.shape());
        double eps = a.getDouble("eps");
        int m = ax.len(), lines = Math.toIntExact(ax.lines());
        double[] norm = new double[lines];
        MemorySegment xs = x.segment(), ys = out[0].segment();
        DType xt = x.dtype(), yt = out[0].dtype();
        boolean write = req[0] != OpReq.NULL, add = req[0] == OpReq.ADD;
        CpuParallel.forRange(lines, NnLines.grain(m, 3), (j0, j1) -> {
            double[] v = new double[m];
            for (int j = (int) j0; j < j1; j++) {
                long off = ax.offset(j);
                NnLines.load(xs, xt, off, ax.inner(), v, m);
                double sq = 0;
                for (double e : v) sq += e * e;
                norm[j] = Math.sqrt(sq + eps);
                if (!write) continue;
                for (int i = 0; i < m; i++) v[i] /= norm[j];
                NnLines.store(ys, yt, off, ax.inner(), v, m, add);
            }
        });
        NnLines.write(out[1], req[1], norm);
    }

    /** inputs ograd, data, norm: dx = (g - x * sum(g x) / norm^2) / norm per line. */
    private static void l2NormalizationBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (Elementwise.skip(req[0], out[0])) return;
        Tensor g = in[0], x = in[1];
        NnLines.Axis ax = l2Lines(a, x.shape());
        double[] norm = NnLines.read(in[2]);
        int m = ax.len(), lines = Math.toIntExact(ax.lines());
        MemorySegment gs = g.segment(), xs = x.segment(), ds = out[0].segment();
        DType gt = g.dtype(), xt = x.dtype(), dt = out[0].dtype();
        boolean add = req[0] == OpReq.ADD;
        CpuParallel.forRange(lines, NnLines.grain(m, 4), (j0, j1) -> {
            double[] gv = new double[m], xv = new double[m];
            for (int j = (int) j0; j < j1; j++) {
                long off = ax.offset(j);
                NnLines.load(gs, gt, off, ax.inner(), gv, m);
                NnLines.load(xs, xt, off, ax.inner(), xv, m);
                double dot = 0, nrm = norm[j];
                for (int i = 0; i < m; i++) dot += gv[i] * xv[i];
                double k = dot / (nrm * nrm);
                for (int i = 0; i < m; i++) gv[i] = (gv[i] - xv[i] * k) / nrm;
                NnLines.store(ds, dt, off, ax.inner(), gv, m, add);
            }
        });
    }
}
