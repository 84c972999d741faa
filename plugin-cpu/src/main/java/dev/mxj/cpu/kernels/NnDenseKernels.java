package dev.mxj.cpu.kernels;

import dev.mxj.device.Elements;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * FullyConnected (GEMM through {@link Gemm}: OpenBLAS sgemm/dgemm for float32/float64, the
 * blocked Java GEMM for float16) and Embedding (row gather, and the scatter-add of its gradient).
 */
final class NnDenseKernels {
    private NnDenseKernels() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    static void register(KernelTable t) {
        t.add("FullyConnected", NnDenseKernels::fullyConnected);
        t.add("_backward_FullyConnected", NnDenseKernels::fullyConnectedBackward);
        t.add("Embedding", NnDenseKernels::embedding);
        t.add("_backward_Embedding", NnDenseKernels::embeddingBackward);
    }

    // ------------------------------------------------------------------ FullyConnected

    /**
     * out (m, h) = data (m, k) weight^T (k, h) + bias: one GEMM. When the output is overwritten,
     * its rows are first set to the bias and the GEMM accumulates onto them (beta = 1), which
     * saves a read-modify-write pass over the output; under OpReq.ADD the bias is added after.
     */
    private static void fullyConnected(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        if (req[0] == OpReq.NULL || out[0].size() == 0) return;
        Tensor x = in[0], w = in[1], y = out[0];
        long h = a.getInt("num_hidden"), m = y.size() / h, k = w.size() / h;
        boolean bias = !a.getBool("no_bias"), add = req[0] == OpReq.ADD;
        if (bias && !add && k > 0 && in[2].dtype() == y.dtype()) {
            MemorySegment ys = y.segment(), bs = in[2].segment();
            long rowBytes = h * y.dtype().byteSize();
            for (long r = 0; r < m; r++) MemorySegment.copy(bs, 0, ys, r * rowBytes, rowBytes);
            Gemm.gemm(y.dtype(), false, true, m, h, k, x.segment(), 0, w.segment(), 0, ys, 0, true);
            return;
        }
        Gemm.gemm(y.dtype(), false, true, m, h, k, x.segment(), 0, w.segment(), 0, y.segment(), 0, add);
        if (bias) addBias(y, in[2], m, h);
    }

    /** y[i, j] += b[j] for every row i. */
    private static void addBias(Tensor y, Tensor b, long m, long h) {
        MemorySegment ys = y.segment();
        int n = Math.toIntExact(h);
        double[] bias = NnLines.read(b);
        DType t = y.dtype();
        CpuParallel.forRange(m, NnLines.grain(h, 1), (r0, r1) -> {
            double[] row = new double[n];
            for (long r = r0; r < r1; r++) {
                Blocks.load(ys, t, r * h, 1, row, n);
                for (int j = 0; j < n; j++) row[j] += bias[j];
                Blocks.store(ys, t, r * h, row, n, false);
            }
        });
    }

    /** data_grad = ograd weight, weight_grad = ograd^T data, bias_grad = column sums of ograd. */
    private static void fullyConnectedBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor dy = in[0], x = in[1], w = in[2];
        long h = a.getInt("num_hidden"), m = dy.size() / h, k = w.size() / h;
        DType t = dy.dtype();
        if (req[0] != OpReq.NULL) Gemm.gemm(t, false, false, m, k, h, dy.segment(), 0, w.segment(), 0, out[0].segment(), 0, req[0] == OpReq.ADD);
        if (req[1] != OpReq.NULL) Gemm.gemm(t, true, false, h, k, m, dy.segment(), 0, x.segment(), 0, out[1].segment(), 0, req[1] == OpReq.ADD);
        if (out.length > 2 && req[2] != OpReq.NULL) {
            if (t == DType.FLOAT32 && out[2].dtype() == DType.FLOAT32) columnSumsF32(dy.segment(), m, h, out[2].segment(), req[2] == OpReq.ADD);
            else ReduceEngine.reduce(ReduceEngine.Kind.SUM, dy.reshape(Shape.of(m, h)), new boolean[] {true, false}, out[2].reshape(Shape.of(h)), req[2], 1, false);
        }
    }

    /**
     * bias_grad[j] (+)= sum over rows i of dy[i, j], float32: rows are streamed through staged
     * column blocks into double accumulators (as the general reduction accumulates), a loop C2
     * vectorises. The general reduction walks a kept inner axis with per-element index
     * arithmetic, ~10x slower on the (128, 512) gradients of a dense layer.
     */
    static void columnSumsF32(MemorySegment dy, long m, long h, MemorySegment out, boolean add) {
        CpuParallel.forRange(h, Math.max(1, Elementwise.GRAIN / Math.max(1, m)), (c0, c1) -> {
            float[] row = F32Loops.stage()[0];
            double[] acc = new double[(int) Math.min(F32Loops.CHUNK, c1 - c0)];
            for (long b0 = c0; b0 < c1; b0 += F32Loops.CHUNK) {
                int n = (int) Math.min(F32Loops.CHUNK, c1 - b0);
                java.util.Arrays.fill(acc, 0, n, 0);
                for (long i = 0; i < m; i++) {
                    MemorySegment.copy(dy, F32, (i * h + b0) * 4, row, 0, n);
                    for (int j = 0; j < n; j++) acc[j] += row[j];
                }
                if (add) {
                    MemorySegment.copy(out, F32, b0 * 4, row, 0, n);
                    for (int j = 0; j < n; j++) row[j] = (float) (row[j] + acc[j]);
                } else {
                    for (int j = 0; j < n; j++) row[j] = (float) acc[j];
                }
                MemorySegment.copy(row, 0, out, F32, b0 * 4, n);
            }
        });
    }

    // ------------------------------------------------------------------ Embedding

    /** Row of index {@code v} (truncated toward zero, as a C cast) clipped to [0, rows - 1], as MXNet's take(mode='clip'). */
    static long clipRow(double v, long rows) {
        long j = (long) v;
        return j <= 0 ? 0 : Math.min(j, rows - 1);
    }

    private static void embedding(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        Tensor idx = in[0], w = in[1];
        long rows = a.getLong("input_dim"), dim = a.getLong("output_dim"), n = idx.size();
        long rowBytes = dim * w.dtype().byteSize();
        MemorySegment is = idx.segment(), ws = w.segment();
        DType it = idx.dtype();
        try (ReqOut o = ReqOut.of(out[0], req[0])) {
            if (o == null) return;
            MemorySegment os = o.seg();
            CpuParallel.forRange(n, NnLines.grain(dim, 1), (i0, i1) -> {
                for (long i = i0; i < i1; i++) {
                    long r = clipRow(Elements.get(is, it, i), rows);
                    MemorySegment.copy(ws, r * rowBytes, os, i * rowBytes, rowBytes);
                }
            });
        }
    }

    /** weight_grad[row(i)] += ograd[i] for every index i, in index order; data_grad is zero. */
    private static void embeddingBackward(OpContext ctx, Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        NnLines.zero(out[0], req[0]);
        if (req[1] == OpReq.NULL) return;
        Tensor dy = in[0], idx = in[1], dw = out[1];
        long rows = a.getLong("input_dim"), dim = a.getLong("output_dim"), n = idx.size();
        if (req[1] != OpReq.ADD) dw.segment().fill((byte) 0);
        MemorySegment gs = dy.segment(), ws = dw.segment(), is = idx.segment();
        DType it = idx.dtype(), t = dw.dtype(), gt = dy.dtype();
        int d = Math.toIntExact(dim);
        if (t == DType.FLOAT32 && gt == DType.FLOAT32) {
            for (long i = 0; i < n; i++) {
                long r = clipRow(Elements.get(is, it, i), rows) * dim, g = i * dim;
                for (int j = 0; j < d; j++) ws.setAtIndex(F32, r + j, ws.getAtIndex(F32, r + j) + gs.getAtIndex(F32, g + j));
            }
            return;
        }
        for (long i = 0; i < n; i++) {
            long r = clipRow(Elements.get(is, it, i), rows) * dim, g = i * dim;
            for (int j = 0; j < d; j++) Elements.set(ws, t, r + j, Elements.get(ws, t, r + j) + Elements.get(gs, gt, g + j));
        }
    }
}
