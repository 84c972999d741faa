package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.NnSequenceOps;

import java.util.Arrays;

/**
 * SequenceMask, SequenceLast and SequenceReverse with their gradients. Data is viewed as
 * (steps, batch, rest) for axis=0 or (batch, steps, rest) for axis=1; each (step, instance)
 * pair owns a contiguous run of {@code rest} elements. Lengths are truncated to integers and
 * clamped to [0, steps] (SequenceLast reads step clamp(length - 1, 0, steps - 1)).
 */
final class NnSequenceKernels {
    private NnSequenceKernels() {}

    static void register(KernelTable t) {
        t.add("SequenceMask", (ctx, a, in, req, out) -> mask(a, in[0], length(a, in, 1), req[0], out[0], a.getDouble("value")));
        t.add("_backward_SequenceMask", (ctx, a, in, req, out) -> mask(a, in[0], length(a, in, 1), req[0], out[0], 0));
        t.add("SequenceReverse", (ctx, a, in, req, out) -> reverse(a, in[0], length(a, in, 1), req[0], out[0]));
        t.add("_backward_SequenceReverse", (ctx, a, in, req, out) -> reverse(a, in[0], length(a, in, 1), req[0], out[0]));
        t.add("SequenceLast", NnSequenceKernels::last);
        t.add("_backward_SequenceLast", NnSequenceKernels::lastBackward);
    }

    /** (steps, batch, rest) of a data shape. */
    private record Layout(int steps, int batch, int rest, boolean batchMajor) {
        static Layout of(Attrs a, Shape s) {
            boolean bm = a.getInt("axis") == 1;
            int steps = Math.toIntExact(s.dim(bm ? 1 : 0)), batch = Math.toIntExact(s.dim(bm ? 0 : 1));
            return new Layout(steps, batch, Math.toIntExact(s.size() / Math.max(1L, (long) steps * batch)), bm);
        }

        int offset(int step, int b) { return (batchMajor ? b * steps + step : step * batch + b) * rest; }
    }

    /** The sequence_length input (or null), read as doubles. */
    private static double[] length(Attrs a, Tensor[] in, int idx) {
        return NnSequenceOps.useLength(a) ? NnLines.read(in[idx]) : null;
    }

    private static int len(double[] lengths, int b, int steps) {
        return lengths == null ? steps : (int) Math.max(0, Math.min(steps, (long) lengths[b]));
    }

    /** out = x, with the runs of steps at or past each instance's length set to {@code value}. */
    private static void mask(Attrs a, Tensor x, double[] lengths, OpReq req, Tensor out, double value) {
        if (Elementwise.skip(req, out)) return;
        Layout l = Layout.of(a, x.shape());
        double[] v = NnLines.read(x);
        if (lengths != null) {
            for (int b = 0; b < l.batch; b++) {
                for (int s = len(lengths, b, l.steps); s < l.steps; s++) {
                    int off = l.offset(s, b);
                    Arrays.fill(v, off, off + l.rest, value);
                }
            }
        }
        NnLines.write(out, req, v);
    }

    /** Reverses the first length steps of each instance; the rest stay in place. Its own gradient. */
    private static void reverse(Attrs a, Tensor x, double[] lengths, OpReq req, Tensor out) {
        if (Elementwise.skip(req, out)) return;
        Layout l = Layout.of(a, x.shape());
        double[] v = NnLines.read(x), r = v.clone();
        for (int b = 0; b < l.batch; b++) {
            int n = len(lengths, b, l.steps);
            for (int s = 0; s < n; s++) System.arraycopy(v, l.offset(n - 1 - s, b), r, l.offset(s, b), l.rest);
        }
        NnLines.write(out, req, r);
    }

    private static int lastStep(double[] lengths, int b, int steps) {
        return lengths == null ? steps - 1 : (int) Math.max(0, Math.min(steps - 1, (long) lengths[b] - 1));
    }

    private static void last(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (Elementwise.skip(req[0], out[0])) return;
        Layout l = Layout.of(a, in[0].shape());
        double[] lengths = length(a, in, 1), v = NnLines.read(in[0]), r = new double[l.batch * l.rest];
        for (int b = 0; b < l.batch; b++) System.arraycopy(v, l.offset(lastStep(lengths, b, l.steps), b), r, b * l.rest, l.rest);
        NnLines.write(out[0], req[0], r);
    }

    /** inputs ograd, data[, sequence_length]: the gradient lands on each instance's last step, zeros elsewhere. */
    private static void lastBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (Elementwise.skip(req[0], out[0])) return;
        Layout l = Layout.of(a, in[1].shape());
        double[] lengths = length(a, in, 2), g = NnLines.read(in[0]), d = new double[Math.toIntExact(in[1].size())];
        for (int b = 0; b < l.batch; b++) System.arraycopy(g, b * l.rest, d, l.offset(lastStep(lengths, b, l.steps), b), l.rest);
        NnLines.write(out[0], req[0], d);
    }
}
