package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.ShapeMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static dev.mxj.cpu.kernels.Strided.contiguous;

/**
 * CPU kernels of the shape operators. Nearly all are a strided view of the input
 * ({@link Strided#gather}) and their gradients the adjoint scatter-add, so they work on
 * raw elements of every dtype.
 */
public final class ShapeKernels {
    private ShapeKernels() {}

    public static void register(KernelTable t) {
        for (String op : new String[] {"Reshape", "Flatten", "expand_dims", "squeeze", "reshape_like"}) t.add(op, ShapeKernels::identity);
        t.add("transpose", (ctx, a, in, req, out) -> permute(in[0], req[0], out[0], ShapeMath.transposeAxes(a, in[0].shape().ndim())));
        t.add("SwapAxis", ShapeKernels::swapAxis);
        t.add("depth_to_space", (ctx, a, in, req, out) -> blockShuffle(a, in[0], req[0], out[0], true));
        t.add("space_to_depth", (ctx, a, in, req, out) -> blockShuffle(a, in[0], req[0], out[0], false));

        t.add("slice", (ctx, a, in, req, out) -> sliceForward(ShapeMath.slice(a, in[0].shape()), in[0], req[0], out[0]));
        t.add("_slice_assign", (ctx, a, in, req, out) -> sliceAssign(a, in[0], in[1], 0, req[0], out[0]));
        t.add("_slice_assign_scalar", (ctx, a, in, req, out) -> sliceAssign(a, in[0], null, a.getDouble("scalar"), req[0], out[0]));
        t.add("slice_axis", (ctx, a, in, req, out) -> sliceForward(ShapeMath.sliceAxis(a, in[0].shape()), in[0], req[0], out[0]));
        t.add("slice_like", (ctx, a, in, req, out) -> sliceForward(ShapeMath.sliceLike(a, in[0].shape(), in[1].shape()), in[0], req[0], out[0]));
        t.add("_backward_slice", (ctx, a, in, req, out) -> sliceBackward(ShapeMath.slice(a, in[1].shape()), in[0], req[0], out[0]));
        t.add("_backward_slice_axis", (ctx, a, in, req, out) -> sliceBackward(ShapeMath.sliceAxis(a, in[1].shape()), in[0], req[0], out[0]));
        t.add("_backward_slice_like", (ctx, a, in, req, out) -> sliceBackward(originRange(in[1].shape(), in[0].shape()), in[0], req[0], out[0]));

        t.add("repeat", (ctx, a, in, req, out) -> { long[][] v = repeatView(a, in[0].shape()); view(in[0], req[0], out[0], 0, v[0], v[1]); });
        t.add("_backward_repeat", (ctx, a, in, req, out) -> { long[][] v = repeatView(a, in[1].shape()); adjoint(in[0], req[0], out[0], 0, v[0], v[1]); });
        t.add("tile", (ctx, a, in, req, out) -> { long[][] v = tileView(a, in[0].shape()); view(in[0], req[0], out[0], 0, v[0], v[1]); });
        t.add("_backward_tile", (ctx, a, in, req, out) -> { long[][] v = tileView(a, in[1].shape()); adjoint(in[0], req[0], out[0], 0, v[0], v[1]); });
        t.add("reverse", ShapeKernels::reverse);

        Kernel bcast = (ctx, a, in, req, out) -> view(in[0], req[0], out[0], 0, out[0].shape().dims(), broadcastStrides(in[0].shape(), out[0].shape()));
        t.add("broadcast_to", bcast);
        t.add("broadcast_axis", bcast);
        t.add("broadcast_like", bcast);
        t.add("_broadcast_backward", (ctx, a, in, req, out) ->
                adjoint(in[0], req[0], out[0], 0, in[0].shape().dims(), broadcastStrides(out[0].shape(), in[0].shape())));

        t.add("Concat", ShapeKernels::concat);
        t.add("stack", ShapeKernels::stack);
        t.add("SliceChannel", (ctx, a, in, req, out) -> split(a, in[0], in[0].shape(), req, out));
        t.add("_split_v2", (ctx, a, in, req, out) -> split(a, in[0], in[0].shape(), req, out));
        t.add("_backward_Concat", ShapeKernels::concatBackward);

        t.add("clip", ShapeKernels::clip);
        t.add("_backward_clip", ShapeKernels::clipBackward);
        t.add("Pad", PadKernels::forward);
        t.add("_backward_Pad", PadKernels::backward);
        t.add("where", ShapeKernels::where);
        t.add("_backward_where", ShapeKernels::whereBackward);
        t.add("shape_array", (ctx, a, in, req, out) -> writeLongs(req[0], out[0], in[0].shape().dims()));
        t.add("size_array", (ctx, a, in, req, out) -> writeLongs(req[0], out[0], new long[] {in[0].size()}));
    }

    // ------------------------------------------------------------------ views

    /** Same bytes, new shape (Reshape and friends); a no-op when run in place. */
    private static void identity(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL) return;
        if (req[0] == OpReq.ADD) ReqOut.add(out[0].segment(), in[0].segment(), out[0].dtype(), out[0].size());
        else Strided.copy(in[0].segment(), 0, out[0].segment(), 0, out[0].size(), out[0].dtype().byteSize());
    }

    /** out = in read through (offset, dims, strides), honouring req. */
    static void view(Tensor in, OpReq req, Tensor out, long off, long[] dims, long[] strides) {
        try (ReqOut o = ReqOut.of(out, req)) {
            if (o == null) return;
            Strided.gather(in.segment(), off, dims, strides, o.seg(), 0, in.dtype().byteSize());
        }
    }

    /** The adjoint of {@link #view}: out (zeroed unless ADD) += g scattered through (offset, dims, strides). */
    static void adjoint(Tensor g, OpReq req, Tensor out, long off, long[] dims, long[] strides) {
        if (req == OpReq.NULL) return;
        if (req != OpReq.ADD) out.segment().fill((byte) 0);
        Strided.scatterAdd(g.segment(), dims, out.segment(), off, strides, out.dtype());
    }

    private static void permute(Tensor in, OpReq req, Tensor out, int[] axes) {
        long[] is = contiguous(in.shape().dims()), st = new long[axes.length];
        for (int i = 0; i < axes.length; i++) st[i] = is[axes[i]];
        view(in, req, out, 0, out.shape().dims(), st);
    }

    private static void swapAxis(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        int n = in[0].shape().ndim();
        int[] axes = new int[n];
        for (int i = 0; i < n; i++) axes[i] = i;
        int d1 = ShapeMath.axis(a, "dim1", a.getInt("dim1"), n), d2 = ShapeMath.axis(a, "dim2", a.getInt("dim2"), n);
        axes[d1] = d2;
        axes[d2] = d1;
        permute(in[0], req[0], out[0], axes);
    }

    /** depth_to_space / space_to_depth: a 6-D transpose of a reshaped view (see the operator docs). */
    private static void blockShuffle(Attrs a, Tensor in, OpReq req, Tensor out, boolean toSpace) {
        long b = a.getLong("block_size");
        long[] d = in.shape().dims();
        long n = d[0], c = d[1], h = d[2], w = d[3];
        long[] vdims = toSpace ? new long[] {n, b, b, c / (b * b), h, w} : new long[] {n, c, h / b, b, w / b, b};
        int[] perm = toSpace ? new int[] {0, 3, 4, 1, 5, 2} : new int[] {0, 3, 5, 1, 2, 4};
        long[] vs = contiguous(vdims), dims = new long[6], st = new long[6];
        for (int i = 0; i < 6; i++) { dims[i] = vdims[perm[i]]; st[i] = vs[perm[i]]; }
        view(in, req, out, 0, dims, st);
    }

    private static void sliceForward(ShapeMath.SliceRange r, Tensor in, OpReq req, Tensor out) {
        long[] is = contiguous(in.shape().dims()), st = new long[is.length];
        long off = 0;
        for (int i = 0; i < is.length; i++) { off += r.begin()[i] * is[i]; st[i] = r.step()[i] * is[i]; }
        view(in, req, out, off, r.out().dims(), st);
    }

    /** out = data with its slice region overwritten by rhs, or by the scalar when rhs is null. */
    private static void sliceAssign(Attrs a, Tensor data, Tensor rhs, double scalar, OpReq req, Tensor out) {
        ShapeMath.SliceRange r = ShapeMath.slice(a, data.shape());
        long[] is = contiguous(data.shape().dims()), st = new long[is.length];
        long off = 0;
        for (int i = 0; i < is.length; i++) { off += r.begin()[i] * is[i]; st[i] = r.step()[i] * is[i]; }
        int es = data.dtype().byteSize();
        try (ReqOut o = ReqOut.of(out, req)) {
            if (o == null) return;
            Strided.copy(data.segment(), 0, o.seg(), 0, data.size(), es);
            Strided.scatter(rhs == null ? null : rhs.segment(), rhs == null ? Strided.bitsOf(data.dtype(), scalar) : 0,
                    r.out().dims(), o.seg(), off, st, es);
        }
    }

    private static void sliceBackward(ShapeMath.SliceRange r, Tensor g, OpReq req, Tensor out) {
        long[] is = contiguous(out.shape().dims()), st = new long[is.length];
        long off = 0;
        for (int i = 0; i < is.length; i++) { off += r.begin()[i] * is[i]; st[i] = r.step()[i] * is[i]; }
        adjoint(g, req, out, off, g.shape().dims(), st);
    }

    /** _backward_slice_like: the region is the out_grad's extent at the origin. */
    private static ShapeMath.SliceRange originRange(Shape data, Shape grad) {
        long[] step = new long[data.ndim()];
        Arrays.fill(step, 1);
        return new ShapeMath.SliceRange(new long[data.ndim()], step, grad);
    }

    /** repeat as a view: a zero-stride axis of length `repeats` after the repeated axis. */
    private static long[][] repeatView(Attrs a, Shape in) {
        long r = a.getLong("repeats");
        int ax = ShapeMath.repeatAxis(a, in);
        if (ax < 0) return new long[][] {{in.size(), r}, {1, 0}};
        long[] d = in.dims(), s = contiguous(d);
        long[] dims = new long[d.length + 1], st = new long[d.length + 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            dims[j] = d[i];
            st[j++] = s[i];
            if (i == ax) { dims[j] = r; st[j++] = 0; }
        }
        return new long[][] {dims, st};
    }

    /** tile as a view: each output axis split into (rep, dim) with a zero stride over rep. */
    private static long[][] tileView(Attrs a, Shape in) {
        long[][] plan = ShapeMath.tilePlan(a, in);
        long[] d = plan[0], reps = plan[1], s = contiguous(d);
        long[] dims = new long[2 * d.length], st = new long[2 * d.length];
        for (int i = 0; i < d.length; i++) {
            dims[2 * i] = reps[i];
            dims[2 * i + 1] = d[i];
            st[2 * i + 1] = s[i];
        }
        return new long[][] {dims, st};
    }

    private static void reverse(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        long[] d = in[0].shape().dims(), s = contiguous(d);
        long off = 0;
        for (long x : a.getLongs("axis")) {
            int ax = ShapeMath.axis(a, "axis", x, d.length);
            off += (d[ax] - 1) * s[ax];
            s[ax] = -s[ax];
        }
        view(in[0], req[0], out[0], off, d, s);
    }

    /** Strides reading {@code small} broadcast to {@code big}: zero on the axes where small has size 1. */
    private static long[] broadcastStrides(Shape small, Shape big) {
        long[] s = contiguous(small.dims());
        for (int i = 0; i < s.length; i++) if (small.dim(i) != big.dim(i)) s[i] = 0;
        return s;
    }

    // ------------------------------------------------------------------ joins and splits

    /** Copy, per outer index, a block of each source after another into dst (Concat, stack). */
    private static void join(Tensor[] srcs, long outer, long[] blocks, MemorySegment dst, int es) {
        long total = 0;
        for (long b : blocks) total += b;
        long row = total;
        CpuParallel.forRange(outer, Math.max(1, Strided.GRAIN_BYTES / Math.max(1, row * es)), (from, to) -> {
            for (long o = from; o < to; o++) {
                long pos = o * row;
                for (int i = 0; i < srcs.length; i++) {
                    if (blocks[i] > 0) MemorySegment.copy(srcs[i].segment(), o * blocks[i] * es, dst, pos * es, blocks[i] * es);
                    pos += blocks[i];
                }
            }
        });
    }

    /** The inverse of {@link #join}: per outer index, consecutive blocks of src go to each destination (null: skipped). */
    private static void splitBlocks(MemorySegment src, long outer, long[] blocks, MemorySegment[] dsts, int es) {
        long row = 0;
        for (long b : blocks) row += b;
        long rowLen = row;
        CpuParallel.forRange(outer, Math.max(1, Strided.GRAIN_BYTES / Math.max(1, rowLen * es)), (from, to) -> {
            for (long o = from; o < to; o++) {
                long pos = o * rowLen;
                for (int i = 0; i < dsts.length; i++) {
                    if (dsts[i] != null && blocks[i] > 0) MemorySegment.copy(src, pos * es, dsts[i], o * blocks[i] * es, blocks[i] * es);
                    pos += blocks[i];
                }
            }
        });
    }

    private static void concat(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Shape os = out[0].shape();
        int ax = ShapeMath.axis(a, "dim", a.getInt("dim"), os.ndim());
        long[] blocks = new long[in.length];
        for (int i = 0; i < in.length; i++) blocks[i] = in[i].shape().prod(ax, os.ndim());
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o != null) join(in, os.prod(0, ax), blocks, o.seg(), out[0].dtype().byteSize());
        }
    }

    private static void stack(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Shape is = in[0].shape();
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), is.ndim() + 1);
        long[] blocks = new long[in.length];
        Arrays.fill(blocks, is.prod(ax, is.ndim()));
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o != null) join(in, is.prod(0, ax), blocks, o.seg(), out[0].dtype().byteSize());
        }
    }

    /** SliceChannel / _split_v2: output i gets the section [bounds[i], bounds[i+1]) of the axis. */
    private static void split(Attrs a, Tensor src, Shape s, OpReq[] req, Tensor[] out) {
        int ax = ShapeMath.axis(a, "axis", a.getInt("axis"), s.ndim());
        long[] bounds = ShapeMath.splitBounds(a, s, ax);
        long inner = s.prod(ax + 1, s.ndim());
        long[] blocks = new long[out.length];
        for (int i = 0; i < out.length; i++) blocks[i] = (bounds[i + 1] - bounds[i]) * inner;
        // the last bound is the axis length, so only a head (before the first index) is skipped
        splitInto(src, s.prod(0, ax), bounds[0] * inner, blocks, 0, req, out);
    }

    /** Gradient of Concat: split out_grad into pieces shaped like the forward inputs. */
    private static void concatBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Shape gs = in[0].shape();
        int ax = ShapeMath.axis(a, "dim", a.getInt("dim"), gs.ndim());
        long[] blocks = new long[out.length];
        for (int i = 0; i < out.length; i++) blocks[i] = out[i].shape().prod(ax, gs.ndim());
        splitInto(in[0], gs.prod(0, ax), 0, blocks, 0, req, out);
    }

    /** Split rows of src (skipping {@code head} leading and {@code tail} trailing elements per row) into the outputs. */
    private static void splitInto(Tensor src, long outer, long head, long[] blocks, long tail, OpReq[] req, Tensor[] out) {
        int es = src.dtype().byteSize();
        ReqOut[] outs = new ReqOut[out.length];
        try {
            MemorySegment[] dsts = new MemorySegment[out.length + 2];
            long[] all = new long[out.length + 2];
            all[0] = head;
            for (int i = 0; i < out.length; i++) {
                outs[i] = ReqOut.of(out[i], req[i]);
                dsts[i + 1] = outs[i] == null ? null : outs[i].seg();
                all[i + 1] = blocks[i];
            }
            all[out.length + 1] = tail;
            splitBlocks(src.segment(), outer, all, dsts, es);
        } finally {
            for (ReqOut o : outs) if (o != null) o.close();
        }
    }

    // ------------------------------------------------------------------ value kernels

    private static void clip(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        double lo = a.getDouble("a_min"), hi = a.getDouble("a_max");
        DType t = in[0].dtype();
        long n = in[0].size();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment x = in[0].segment(), y = o.seg();
            if (t == DType.FLOAT32) {
                float flo = (float) lo, fhi = (float) hi;
                CpuParallel.forRange(n, 1 << 15, (f, e) -> {
                    for (long i = f; i < e; i++) {
                        float v = x.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                        y.setAtIndex(ValueLayout.JAVA_FLOAT, i, v > fhi ? fhi : v < flo ? flo : v);
                    }
                });
            } else {
                for (long i = 0; i < n; i++) {
                    double v = Elements.get(x, t, i);
                    Elements.set(y, t, i, v > hi ? hi : v < lo ? lo : v);
                }
            }
        }
    }

    private static void clipBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        double lo = a.getDouble("a_min"), hi = a.getDouble("a_max");
        DType t = out[0].dtype();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment g = in[0].segment(), x = in[1].segment(), y = o.seg();
            for (long i = 0, n = out[0].size(); i < n; i++) {
                double v = Elements.get(x, in[1].dtype(), i);
                Elements.set(y, t, i, v > hi || v < lo ? 0 : Elements.get(g, t, i));
            }
        }
    }

    private static void where(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor c = in[0];
        int es = out[0].dtype().byteSize();
        long n = out[0].size();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment x = in[1].segment(), y = in[2].segment(), z = o.seg(), cs = c.segment();
            if (c.shape().equals(out[0].shape())) {
                for (long i = 0; i < n; i++) Strided.setBits(z, es, i, Strided.getBits(Elements.get(cs, c.dtype(), i) != 0 ? x : y, es, i));
            } else {
                long row = n / Math.max(1, c.size());
                for (long r = 0; r < c.size(); r++) {
                    MemorySegment.copy(Elements.get(cs, c.dtype(), r) != 0 ? x : y, r * row * es, z, r * row * es, row * es);
                }
            }
        }
    }

    private static void whereBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor g = in[0], c = in[1];
        int es = g.dtype().byteSize();
        long n = g.size(), row = n / Math.max(1, c.size());
        boolean rows = !c.shape().equals(g.shape());
        for (int k = 0; k < 2; k++) {
            boolean toX = k == 0;
            try (ReqOut o = ReqOut.of(out[k], req[k])) {
                if (o == null) continue;
                MemorySegment gs = g.segment(), z = o.seg(), cs = c.segment();
                for (long i = 0; i < n; i++) {
                    boolean cond = Elements.get(cs, c.dtype(), rows ? i / row : i) != 0;
                    Strided.setBits(z, es, i, cond == toX ? Strided.getBits(gs, es, i) : 0);
                }
            }
        }
    }

    private static void writeLongs(OpReq req, Tensor out, long[] values) {
        try (ReqOut o = ReqOut.of(out, req)) {
            if (o == null) return;
            for (int i = 0; i < values.length; i++) o.seg().setAtIndex(ValueLayout.JAVA_LONG, i, values[i]);
        }
    }
}
