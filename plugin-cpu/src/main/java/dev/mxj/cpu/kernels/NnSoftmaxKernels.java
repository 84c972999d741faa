package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.NnSoftmaxOps;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The softmax family and the loss heads: softmax, log_softmax, softmin, SoftmaxActivation,
 * SoftmaxOutput, softmax_cross_entropy, the regression outputs and MakeLoss. Softmax runs
 * line by line ({@link NnLines}), lines split over threads; sums accumulate in double.
 */
final class NnSoftmaxKernels {
    private NnSoftmaxKernels() {}

    static void register(KernelTable t) {
        for (String name : new String[] {"softmax", "log_softmax", "softmin"}) {
            Kind k = Kind.valueOf(name.toUpperCase(Locale.ROOT));
            t.add(name, (ctx, a, in, req, out) -> softmax(k, a, in, req, out));
            t.add("_backward_" + name, (ctx, a, in, req, out) -> softmaxBackward(k, a, in, req, out));
        }
        t.add("SoftmaxActivation", (ctx, a, in, req, out) ->
                lines(in[0], out[0], req[0], activationAxis(a, in[0].shape()), 1, null, Kind.SOFTMAX));
        t.add("_backward_SoftmaxActivation", (ctx, a, in, req, out) ->
                gradLines(in[0], in[1], out[0], req[0], activationAxis(a, in[1].shape()), 1, null, Kind.SOFTMAX));
        t.add("SoftmaxOutput", (ctx, a, in, req, out) ->
                lines(in[0], out[0], req[0], softmaxOutputAxis(a, in[0].shape()), 1, null, Kind.SOFTMAX));
        t.add("_backward_SoftmaxOutput", NnSoftmaxKernels::softmaxOutputBackward);
        t.add("softmax_cross_entropy", NnSoftmaxKernels::crossEntropy);
        t.add("_backward_softmax_cross_entropy", NnSoftmaxKernels::crossEntropyBackward);

        t.add("LinearRegressionOutput", NnSoftmaxKernels::identity);
        t.add("MAERegressionOutput", NnSoftmaxKernels::identity);
        t.add("LogisticRegressionOutput", (ctx, a, in, req, out) -> Elementwise.map1(in[0], out[0], req[0], x -> 1 / (1 + Math.exp(-x)), null));
        t.add("_backward_linear_reg_out", (ctx, a, in, req, out) -> regressionBackward(a, in, req, out, false));
        t.add("_backward_logistic_reg_out", (ctx, a, in, req, out) -> regressionBackward(a, in, req, out, false));
        t.add("_backward_mae_reg_out", (ctx, a, in, req, out) -> regressionBackward(a, in, req, out, true));
        t.add("MakeLoss", NnSoftmaxKernels::identity);
        t.add("_backward_MakeLoss", NnSoftmaxKernels::makeLossBackward);
    }

    enum Kind { SOFTMAX, LOG_SOFTMAX, SOFTMIN }

    // ------------------------------------------------------------------ softmax lines

    private static void softmax(Kind k, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor x = in[0];
        int axis = axis(a, x.shape());
        lines(x, out[0], req[0], NnLines.Axis.of(x.shape(), axis), a.getDouble("temperature", 1), NnSoftmaxOps.useLength(a) ? in[1] : null, k);
    }

    private static int axis(Attrs a, Shape s) {
        int ax = a.getInt("axis");
        return ax < 0 ? ax + s.ndim() : ax;
    }

    /**
     * out = softmax((x or -x) / t) along each line, or its log; with lengths, only the first
     * length[line] entries take part and the rest are 0.
     */
    static void lines(Tensor x, Tensor y, OpReq req, NnLines.Axis ax, double t, Tensor length, Kind k) {
        if (Elementwise.skip(req, y)) return;
        int m = ax.len();
        if (m == 0) return;
        MemorySegment xs = x.segment(), ys = y.segment();
        MemorySegment ls = length == null ? null : length.segment();
        DType xt = x.dtype(), yt = y.dtype();
        boolean add = req == OpReq.ADD, neg = k == Kind.SOFTMIN, log = k == Kind.LOG_SOFTMAX;
        long inner = ax.inner();
        CpuParallel.forRange(ax.lines(), NnLines.grain(m, 8), (j0, j1) -> {
            double[] v = new double[m];
            for (long j = j0; j < j1; j++) {
                long off = ax.offset(j);
                int len = ls == null ? m : (int) Math.max(0, Math.min(m, NnLines.index(ls, length.dtype(), j)));
                NnLines.load(xs, xt, off, inner, v, m);
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < len; i++) {
                    if (neg) v[i] = -v[i];
                    if (v[i] > max) max = v[i];
                }
                double sum = 0, it = 1 / t;
                if (log) {
                    for (int i = 0; i < len; i++) {
                        v[i] = (v[i] - max) * it;
                        sum += Math.exp(v[i]);
                    }
                    double ls2 = Math.log(sum);
                    for (int i = 0; i < len; i++) v[i] -= ls2;
                } else {
                    for (int i = 0; i < len; i++) sum += v[i] = Math.exp((v[i] - max) * it);
                    double inv = 1 / sum;
                    for (int i = 0; i < len; i++) v[i] *= inv;
                }
                for (int i = len; i < m; i++) v[i] = 0;
                NnLines.store(ys, yt, off, inner, v, m, add);
            }
        });
    }

    /** inputs per MXNet: (ograd, output), (ograd, data, output) or (ograd, data, length, output). */
    private static void softmaxBackward(Kind k, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor g = in[0], y = in[in.length - 1];
        Tensor length = NnSoftmaxOps.useLength(a) ? in[2] : null;
        gradLines(g, y, out[0], req[0], NnLines.Axis.of(y.shape(), axis(a, y.shape())), a.getDouble("temperature", 1), length, k);
    }

    /**
     * softmax: dx = y (g - sum(g y)) / t; log_softmax: dx = (g - exp(y) sum(g)) / t; softmin: the
     * softmax form negated. Entries past a line's length get 0.
     */
    static void gradLines(Tensor g, Tensor y, Tensor dx, OpReq req, NnLines.Axis ax, double t, Tensor length, Kind k) {
        if (Elementwise.skip(req, dx)) return;
        int m = ax.len();
        if (m == 0) return;
        MemorySegment gs = g.segment(), ys = y.segment(), ds = dx.segment();
        MemorySegment ls = length == null ? null : length.segment();
        DType gt = g.dtype(), yt = y.dtype(), dt = dx.dtype();
        boolean add = req == OpReq.ADD, log = k == Kind.LOG_SOFTMAX;
        double sign = k == Kind.SOFTMIN ? -1 : 1;
        long inner = ax.inner();
        CpuParallel.forRange(ax.lines(), NnLines.grain(m, 4), (j0, j1) -> {
            double[] gv = new double[m], yv = new double[m];
            for (long j = j0; j < j1; j++) {
                long off = ax.offset(j);
                int len = ls == null ? m : (int) Math.max(0, Math.min(m, NnLines.index(ls, length.dtype(), j)));
                NnLines.load(gs, gt, off, inner, gv, m);
                NnLines.load(ys, yt, off, inner, yv, m);
                double sum = 0;
                for (int i = 0; i < len; i++) sum += log ? gv[i] : gv[i] * yv[i];
                for (int i = 0; i < len; i++) gv[i] = sign * (log ? gv[i] - Math.exp(yv[i]) * sum : yv[i] * (gv[i] - sum)) / t;
                for (int i = len; i < m; i++) gv[i] = 0;
                NnLines.store(ds, dt, off, inner, gv, m, add);
            }
        });
    }

    /**
     * SoftmaxActivation: channel = lines along axis 1; instance = lines along the last axis, as
     * MXNet 1.9's kernel computes it (its FlatTo2D keeps the last axis and folds all the others, so
     * on more than 2 dimensions an "instance" is a last-axis row, not a whole batch entry).
     */
    private static NnLines.Axis activationAxis(Attrs a, Shape s) {
        if (a.getString("mode").equals("channel")) return NnLines.Axis.of(s, 1);
        return s.ndim() == 0 ? new NnLines.Axis(1, 1, 1) : NnLines.Axis.of(s, s.ndim() - 1);
    }

    /** SoftmaxOutput: axis 1 with multi_output, the last axis with preserve_shape, else all but the first. */
    static NnLines.Axis softmaxOutputAxis(Attrs a, Shape s) {
        if (a.getBool("multi_output")) return NnLines.Axis.of(s, 1);
        if (a.getBool("preserve_shape")) return NnLines.Axis.of(s, s.ndim() - 1);
        return new NnLines.Axis(s.dim(0), Math.toIntExact(s.size() / Math.max(1, s.dim(0))), 1);
    }

    // ------------------------------------------------------------------ SoftmaxOutput

    /**
     * MXNet 1.9's SoftmaxOutput backward: (output - one_hot(label)) * grad_scale / valid_count,
     * with ignored labels giving zero rows, label smoothing, a probability label used as is and
     * the head gradient multiplied in only with out_grad. Outputs: data_grad, label_grad (zero).
     */
    private static void softmaxOutputBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        NnLines.zero(out[1], req[1]);
        if (Elementwise.skip(req[0], out[0])) return;
        Tensor y = in[0], label = in[1], dx = out[0];
        Tensor og = a.getBool("out_grad") ? in[2] : null;
        double scale = a.getDouble("grad_scale");
        double[] p = NnLines.read(y);
        double[] lab = NnLines.read(label);
        if (label.shape().equals(y.shape())) {
            for (int i = 0; i < p.length; i++) p[i] = (p[i] - lab[i]) * scale;
        } else {
            NnLines.Axis ax = softmaxOutputAxis(a, y.shape());
            boolean multi = a.getBool("multi_output");
            boolean useIgnore = a.getBool("use_ignore");
            int ignore = (int) a.getDouble("ignore_label");
            double alpha = multi ? 0 : a.getDouble("smooth_alpha");
            int m = ax.len();
            long lines = ax.lines();
            for (long j = 0; j < lines; j++) {
                long off = ax.offset(j);
                int k = (int) lab[Math.toIntExact(j)];
                boolean skip = useIgnore && k == ignore;
                for (int c = 0; c < m; c++) {
                    int e = Math.toIntExact(off + c * ax.inner());
                    if (skip) p[e] = 0;
                    else if (alpha != 0) p[e] -= c == k ? 1 - alpha : alpha / (m - 1);
                    else if (c == k) p[e] -= 1;
                }
            }
            double valid = switch (a.getString("normalization")) {
                case "batch" -> multi ? y.shape().dim(0) : lab.length;
                case "valid" -> {
                    long n = 0;
                    for (double l : lab) if ((int) l != ignore) n++;
                    yield Math.max(1, n);
                }
                default -> 1;
            };
            double f = scale / valid;
            if (multi && !a.getString("normalization").equals("valid")) f /= ax.inner();
            for (int i = 0; i < p.length; i++) p[i] *= f;
        }
        if (og != null) {
            double[] g = NnLines.read(og);
            for (int i = 0; i < p.length; i++) p[i] *= g[i];
        }
        NnLines.write(dx, req[0], p);
    }

    // ------------------------------------------------------------------ softmax_cross_entropy

    private static int label(double v, int classes, String op) {
        int k = (int) v;
        if (k < 0 || k >= classes) throw new IllegalArgumentException("Operator " + op + ": label " + v + " is out of range [0, " + classes + ")");
        return k;
    }

    /** sum over rows of -log(max(softmax(row)[label], 1e-8)). */
    private static void crossEntropy(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        int n = Math.toIntExact(in[0].shape().dim(0)), c = Math.toIntExact(in[0].shape().dim(1));
        double[] x = NnLines.read(in[0]), lab = NnLines.read(in[1]);
        double loss = 0;
        for (int r = 0; r < n; r++) {
            double[] p = softmaxRow(x, r * c, c);
            loss -= Math.log(Math.max(p[label(lab[r], c, "softmax_cross_entropy")], 1e-8));
        }
        NnLines.write(out[0], req[0], new double[] {loss});
    }

    private static double[] softmaxRow(double[] x, int off, int c) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < c; i++) max = Math.max(max, x[off + i]);
        double[] p = new double[c];
        for (int i = 0; i < c; i++) sum += p[i] = Math.exp(x[off + i] - max);
        for (int i = 0; i < c; i++) p[i] /= sum;
        return p;
    }

    /** data_grad = ograd * (softmax(data) - one_hot(label)). */
    private static void crossEntropyBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        double g = NnLines.read(in[0])[0];
        int n = Math.toIntExact(in[1].shape().dim(0)), c = Math.toIntExact(in[1].shape().dim(1));
        double[] x = NnLines.read(in[1]), lab = NnLines.read(in[2]), d = new double[n * c];
        for (int r = 0; r < n; r++) {
            double[] p = softmaxRow(x, r * c, c);
            p[label(lab[r], c, "softmax_cross_entropy")] -= 1;
            for (int i = 0; i < c; i++) d[r * c + i] = g * p[i];
        }
        NnLines.write(out[0], req[0], d);
    }

    // ------------------------------------------------------------------ regression heads, MakeLoss

    private static void identity(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Elementwise.map1(in[0], out[0], req[0], v -> v, F32Loops.Un.COPY);
    }

    /** inputs (label, output): data_grad = (output - label) (or its sign) * grad_scale / (label elements per instance). */
    private static void regressionBackward(Attrs a, Tensor[] in, OpReq[] req, Tensor[] out, boolean sign) {
        Tensor label = in[0], y = in[1];
        NnLines.zero(out[1], req[1]);
        double f = a.getDouble("grad_scale") / (label.size() / Math.max(1, label.shape().dim(0)));
        Tensor l = label.reshape(y.shape());
        Elementwise.map2(y, l, out[0], req[0], sign ? (o, t) -> Math.signum(o - t) * f : (o, t) -> (o - t) * f, null);
    }

    /**
     * grad_scale everywhere, divided by the number of rows of data flattened to 2-D (MXNet's
     * FlatTo2D: all dimensions but the last) for 'batch', or by the count of elements above
     * valid_thresh (at least 1) for 'valid'.
     */
    private static void makeLossBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (Elementwise.skip(req[0], out[0])) return;
        Tensor x = in[0];
        double scale = a.getDouble("grad_scale");
        switch (a.getString("normalization")) {
            case "batch" -> scale /= Math.max(1, x.size() / x.shape().dim(-1));
            case "valid" -> {
                double th = a.getDouble("valid_thresh");
                long n = 0;
                for (double v : NnLines.read(x)) if (v > th) n++;
                scale /= Math.max(1, n);
            }
            default -> { }
        }
        double s = scale;
        Elementwise.map1(x, out[0], req[0], v -> s, null);
    }
}
