package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.defs.ShapeMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CPU kernels of sort, argsort, topk and the topk/sort gradient. Each line along the sorted
 * axis is ordered by a stable merge sort of its indices, so ties keep their input order in
 * both directions; NaN sorts as the largest value.
 */
public final class SortKernels {
    private SortKernels() {}

    public static void register(KernelTable t) {
        t.add("sort", (ctx, a, in, req, out) -> select(a, in[0], 0, a.getBool("is_ascend"), "value", req, out));
        t.add("argsort", (ctx, a, in, req, out) -> select(a, in[0], 0, a.getBool("is_ascend"), "indices", req, out));
        t.add("topk", (ctx, a, in, req, out) -> select(a, in[0], a.getInt("k"), a.getBool("is_ascend"), a.getString("ret_typ"), req, out));
        t.add("_backward_topk", SortKernels::backward);
    }

    @FunctionalInterface
    private interface IndexOrder {
        int compare(int x, int y);
    }

    /** Ascending order with NaN last and -0.0 equal to 0.0. */
    private static int compare(double x, double y) {
        if (x < y) return -1;
        if (x > y) return 1;
        if (x == y) return 0;
        return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
    }

    /** The stable sorting permutation of one line (length elements, stride apart from base). */
    static int[] order(MemorySegment s, DType t, long base, long stride, int length, boolean ascend) {
        IndexOrder cmp;
        if (t == DType.INT64) {
            long[] keys = new long[length];
            for (int j = 0; j < length; j++) keys[j] = s.getAtIndex(ValueLayout.JAVA_LONG, base + j * stride);
            cmp = ascend ? (x, y) -> Long.compare(keys[x], keys[y]) : (x, y) -> Long.compare(keys[y], keys[x]);
        } else {
            double[] keys = new double[length];
            if (t == DType.FLOAT32) for (int j = 0; j < length; j++) keys[j] = s.getAtIndex(ValueLayout.JAVA_FLOAT, base + j * stride);
            else for (int j = 0; j < length; j++) keys[j] = Elements.get(s, t, base + j * stride);
            cmp = ascend ? (x, y) -> compare(keys[x], keys[y]) : (x, y) -> compare(keys[y], keys[x]);
        }
        int[] perm = new int[length];
        for (int j = 0; j < length; j++) perm[j] = j;
        mergeSort(perm, new int[length], cmp);
        return perm;
    }

    /** Bottom-up merge sort (stable): insertion-sorted runs of 16, then merges. */
    private static void mergeSort(int[] a, int[] tmp, IndexOrder cmp) {
        int n = a.length, run = 16;
        for (int lo = 0; lo < n; lo += run) {
            for (int i = lo + 1, hi = Math.min(n, lo + run); i < hi; i++) {
                int v = a[i], j = i - 1;
                while (j >= lo && cmp.compare(a[j], v) > 0) { a[j + 1] = a[j]; j--; }
                a[j + 1] = v;
            }
        }
        int[] src = a, dst = tmp;
        for (int w = run; w < n; w *= 2) {
            for (int lo = 0; lo < n; lo += 2 * w) {
                int mid = Math.min(n, lo + w), hi = Math.min(n, lo + 2 * w), i = lo, j = mid, k = lo;
                while (i < mid && j < hi) dst[k++] = cmp.compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
                while (i < mid) dst[k++] = src[i++];
                while (j < hi) dst[k++] = src[j++];
            }
            int[] x = src; src = dst; dst = x;
        }
        if (src != a) System.arraycopy(src, 0, a, 0, n);
    }

    /**
     * The shared forward: per line, the first k of the stable order, written as values
     * (output 0 for 'value'/'both', with indices in output 1), indices, or a mask.
     */
    private static void select(Attrs a, Tensor data, long kParam, boolean ascend, String retTyp, OpReq[] req, Tensor[] out) {
        ShapeMath.Lines l = ShapeMath.lines(a, data.shape(), kParam);
        long inner = l.inner(), len = l.length(), k = l.k();
        DType t = data.dtype();
        int es = t.byteSize();
        boolean values = retTyp.equals("value") || retTyp.equals("both"), mask = retTyp.equals("mask");
        ReqOut vo = values || mask ? ReqOut.of(out[0], req[0]) : null;
        int ii = values ? 1 : 0;
        ReqOut io = !mask && ii < out.length ? ReqOut.of(out[ii], req[ii]) : null;
        try {
            MemorySegment src = data.segment(), vs = vo == null ? null : vo.seg(), is = io == null ? null : io.seg();
            DType it = io == null ? null : out[ii].dtype();
            if (mask && vs != null) vs.fill((byte) 0);
            long one = mask ? Strided.bitsOf(t, 1) : 0;
            long lines = l.outer() * inner;
            CpuParallel.forRange(lines, Math.max(1, (1 << 14) / Math.max(1, len)), (from, to) -> {
                for (long line = from; line < to; line++) {
                    long o = line / inner, i = line % inner, base = o * len * inner + i, obase = o * k * inner + i;
                    int[] perm = order(src, t, base, inner, (int) len, ascend);
                    for (int j = 0; j < k; j++) {
                        long src_ = base + perm[j] * inner, dst = obase + j * inner;
                        if (mask) {
                            if (vs != null) Strided.setBits(vs, es, src_, one);
                            continue;
                        }
                        if (vs != null) Strided.setBits(vs, es, dst, Strided.getBits(src, es, src_));
                        if (is != null) {
                            if (it == DType.INT32) is.setAtIndex(ValueLayout.JAVA_INT, dst, perm[j]);
                            else Elements.set(is, it, dst, perm[j]);
                        }
                    }
                }
            });
        } finally {
            if (vo != null) vo.close();
            if (io != null) io.close();
        }
    }

    /** Gradient of topk/sort values: out_grad added at the data positions the indices name. */
    private static void backward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        Tensor g = in[0], idx = in[1];
        ShapeMath.Lines l = ShapeMath.lines(a, out[0].shape(), a.getInt("k"));
        long inner = l.inner(), len = l.length(), k = l.k();
        DType t = out[0].dtype();
        MemorySegment dst = out[0].segment(), gs = g.segment(), is = idx.segment();
        if (req[0] != OpReq.ADD) dst.fill((byte) 0);
        for (long o = 0; o < l.outer(); o++) {
            for (long i = 0; i < inner; i++) {
                for (long j = 0; j < k; j++) {
                    long pos = (o * k + j) * inner + i;
                    long p = IndexingKernels.index(is, idx.dtype(), pos);
                    Strided.addRun(dst, (o * len + p) * inner + i, 1, gs, pos, 1, t);
                }
            }
        }
    }
}
