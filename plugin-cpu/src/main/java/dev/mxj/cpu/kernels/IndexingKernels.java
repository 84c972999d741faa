package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.IndexingOps;
import dev.mxj.op.defs.ShapeMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CPU kernels of the indexing operators. Index inputs of any dtype are truncated to integers
 * as a C cast does; the selected slices move as raw bytes, so data of every dtype works.
 */
public final class IndexingKernels {
    private IndexingKernels() {}

    public static void register(KernelTable t) {
        t.add("take", IndexingKernels::take);
        t.add("_backward_take", IndexingKernels::takeBackward);
        t.add("pick", IndexingKernels::pick);
        t.add("_backward_pick", IndexingKernels::pickBackward);
        t.add("gather_nd", IndexingKernels::gatherNd);
        t.add("scatter_nd", IndexingKernels::scatterNd);
        t.add("_scatter_set_nd", IndexingKernels::scatterSetNd);
        t.add("_backward_gather_nd", IndexingKernels::gatherNdBackward);
        t.add("one_hot", IndexingKernels::oneHot);
        t.add("batch_take", IndexingKernels::batchTake);
    }

    /** Element i of an index array as an integer (C-cast truncation). */
    static long index(MemorySegment s, DType t, long i) {
        return switch (t) {
            case FLOAT32 -> (long) s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case INT32 -> s.getAtIndex(ValueLayout.JAVA_INT, i);
            case INT64 -> s.getAtIndex(ValueLayout.JAVA_LONG, i);
            default -> (long) Elements.get(s, t, i);
        };
    }

    /** Resolve take/pick indices by mode: clip to range, wrap around, or raise. */
    private static long[] resolve(Attrs a, Tensor idx, long n) {
        String mode = a.getString("mode");
        long[] k = new long[Math.toIntExact(idx.size())];
        MemorySegment s = idx.segment();
        for (int i = 0; i < k.length; i++) {
            long j = index(s, idx.dtype(), i);
            if (n == 0) throw new OperatorException("Operator " + a.op().name() + ": cannot index an axis of size 0");
            switch (mode) {
                case "wrap" -> { j %= n; if (j < 0) j += n; }
                case "raise" -> {
                    if (j < 0 || j >= n) throw new OperatorException("Operator " + a.op().name() + ": index " + j + " is out of bounds for axis of size " + n + " (mode='raise')");
                }
                default -> j = j < 0 ? 0 : Math.min(j, n - 1);
            }
            k[i] = j;
        }
        return k;
    }

    /** take: out[o, j, :] = a[o, idx[j], :] where o runs over the axes before `axis`. */
    private static void take(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor arr = in[0];
        Shape s = arr.shape();
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), s.ndim());
        long outer = s.prod(0, ax), n = s.dim(ax), inner = s.prod(ax + 1, s.ndim());
        long[] k = resolve(a, in[1], n);
        long m = k.length;
        int es = arr.dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment src = arr.segment(), dst = o.seg();
            CpuParallel.forRange(outer * m, Math.max(1, Strided.GRAIN_BYTES / Math.max(1, inner * es)), (from, to) -> {
                for (long r = from; r < to; r++) {
                    long ob = r / m, j = r % m;
                    MemorySegment.copy(src, (ob * n + k[(int) j]) * inner * es, dst, r * inner * es, inner * es);
                }
            });
        }
    }

    private static void takeBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        Tensor g = in[0], grad = out[0];
        Shape s = grad.shape();
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), s.ndim());
        long outer = s.prod(0, ax), n = s.dim(ax), inner = s.prod(ax + 1, s.ndim());
        long[] k = resolve(a, in[1], n);
        long m = k.length;
        if (req[0] != OpReq.ADD) grad.segment().fill((byte) 0);
        MemorySegment gs = g.segment(), dst = grad.segment();
        DType t = grad.dtype();
        CpuParallel.forRange(outer, Math.max(1, Strided.GRAIN_BYTES / Math.max(1, m * inner * t.byteSize())), (from, to) -> {
            for (long ob = from; ob < to; ob++) {
                for (int j = 0; j < m; j++) Strided.addRun(dst, (ob * n + k[j]) * inner, 1, gs, (ob * m + j) * inner, inner, t);
            }
        });
    }

    private record PickPlan(long outer, long m, long inner, long[] k) {}

    private static PickPlan pickPlan(Attrs a, Shape data, Tensor index) {
        int ax = IndexingOps.pickAxis(a, data);
        long m = data.dim(ax);
        return new PickPlan(data.prod(0, ax), m, data.prod(ax + 1, data.ndim()), resolve(a, index, m));
    }

    /** pick: out[o, i] = data[o, index[o, i], i]. */
    private static void pick(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        PickPlan p = pickPlan(a, in[0].shape(), in[1]);
        int es = in[0].dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment src = in[0].segment(), dst = o.seg();
            for (long ob = 0; ob < p.outer; ob++) {
                for (long i = 0; i < p.inner; i++) {
                    long pos = ob * p.inner + i;
                    Strided.setBits(dst, es, pos, Strided.getBits(src, es, (ob * p.m + p.k[(int) pos]) * p.inner + i));
                }
            }
        }
    }

    private static void pickBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        PickPlan p = pickPlan(a, out[0].shape(), in[1]);
        MemorySegment g = in[0].segment(), dst = out[0].segment();
        DType t = out[0].dtype();
        if (req[0] != OpReq.ADD) dst.fill((byte) 0);
        for (long ob = 0; ob < p.outer; ob++) {
            for (long i = 0; i < p.inner; i++) {
                long pos = ob * p.inner + i;
                Strided.addRun(dst, (ob * p.m + p.k[(int) pos]) * p.inner + i, 1, g, pos, 1, t);
            }
        }
    }

    /**
     * Element offsets (in units of the trailing block) selected by (M, N) indices into {@code target}:
     * offset[i] = sum_j stride_j * idx[j, i], negative indices counting from the end.
     */
    private static long[] ndOffsets(Attrs a, Tensor idx, Shape target) {
        long mm = idx.shape().dim(0), n = idx.size() / Math.max(1, mm);
        long[] strides = Strided.contiguous(target.dims());
        long[] off = new long[Math.toIntExact(n)];
        MemorySegment s = idx.segment();
        for (int j = 0; j < mm; j++) {
            long dim = target.dim(j);
            for (int i = 0; i < n; i++) {
                long v = index(s, idx.dtype(), j * n + i);
                if (v < -dim || v >= dim) {
                    throw new OperatorException("Operator " + a.op().name() + ": index " + v + " is out of bounds for axis " + j + " with size " + dim);
                }
                off[i] += strides[j] * (v < 0 ? v + dim : v);
            }
        }
        return off;
    }

    /** gather_nd: out[i, :] = data[idx[:, i], :]. */
    private static void gatherNd(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor data = in[0];
        long[] off = ndOffsets(a, in[1], data.shape());
        long block = data.shape().prod((int) in[1].shape().dim(0), data.shape().ndim());
        int es = data.dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            for (int i = 0; i < off.length; i++) MemorySegment.copy(data.segment(), off[i] * es, o.seg(), i * block * es, block * es);
        }
    }

    /** scatter_nd: zeros with out[idx[:, i], :] = data[i, :] (a later duplicate overwrites). */
    private static void scatterNd(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor data = in[0];
        Shape os = out[0].shape();
        long[] off = ndOffsets(a, in[1], os);
        long block = os.prod((int) in[1].shape().dim(0), os.ndim());
        int es = data.dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            o.seg().fill((byte) 0);
            for (int i = 0; i < off.length; i++) MemorySegment.copy(data.segment(), i * block * es, o.seg(), off[i] * es, block * es);
        }
    }

    /** _scatter_set_nd: out = lhs (a no-op when run in place) with out[idx[:, i], :] = rhs[i, :]. */
    private static void scatterSetNd(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor rhs = in[1];
        Shape os = out[0].shape();
        long[] off = ndOffsets(a, in[2], os);
        long block = os.prod((int) in[2].shape().dim(0), os.ndim());
        int es = rhs.dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment.copy(in[0].segment(), 0, o.seg(), 0, os.size() * es);
            for (int i = 0; i < off.length; i++) MemorySegment.copy(rhs.segment(), i * block * es, o.seg(), off[i] * es, block * es);
        }
    }

    /** _backward_gather_nd: zeros with out[idx[:, i], :] += data[i, :]. */
    private static void gatherNdBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        Shape os = out[0].shape();
        long[] off = ndOffsets(a, in[1], os);
        long block = os.prod((int) in[1].shape().dim(0), os.ndim());
        MemorySegment dst = out[0].segment();
        if (req[0] != OpReq.ADD) dst.fill((byte) 0);
        for (int i = 0; i < off.length; i++) Strided.addRun(dst, off[i], 1, in[0].segment(), i * block, block, out[0].dtype());
    }

    private static void oneHot(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        long depth = a.getLong("depth");
        DType t = out[0].dtype();
        int es = t.byteSize();
        long on = Strided.bitsOf(t, a.getDouble("on_value")), off = Strided.bitsOf(t, a.getDouble("off_value"));
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            Strided.fill(o.seg(), es, 0, out[0].size(), off);
            for (long i = 0, n = in[0].size(); i < n; i++) {
                long j = index(in[0].segment(), in[0].dtype(), i);
                if (j >= 0 && j < depth) Strided.setBits(o.seg(), es, i * depth + j, on);
            }
        }
    }

    private static void batchTake(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        long m = in[0].shape().dim(-1);
        int es = in[0].dtype().byteSize();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            for (long i = 0, n = out[0].size(); i < n; i++) {
                long j = in[1].segment().getAtIndex(ValueLayout.JAVA_INT, i);
                j = j < 0 ? 0 : Math.min(j, m - 1);
                Strided.setBits(o.seg(), es, i, Strided.getBits(in[0].segment(), es, i * m + j));
            }
        }
    }
}
