package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.defs.LinalgOps;

/**
 * CPU kernels of dot, its backward and batch_dot: every case is one GEMM (per batch entry) on
 * 2-D views of the arrays' own memory, with the geometry from {@link LinalgOps} so that shape
 * inference and kernels agree. Shapes were validated by inference before any native call.
 */
public final class LinalgKernels {
    private LinalgKernels() {}

    public static void register(KernelTable t) {
        t.add("dot", (ctx, a, in, req, out) -> {
            if (Elementwise.skip(req[0], out[0])) return;
            LinalgOps.DotGeometry g = geometry(a, in[0], in[1]);
            Gemm.gemm(out[0].dtype(), ta(a), tb(a), g.m(), g.n(), g.k(), in[0].segment(), 0, in[1].segment(), 0, out[0].segment(), 0, req[0] == OpReq.ADD);
        });
        t.add("_backward_dot", (ctx, a, in, req, out) -> {
            Tensor dc = in[0], lhs = in[1], rhs = in[2];
            LinalgOps.DotGeometry g = geometry(a, lhs, rhs);
            long m = g.m(), n = g.n(), k = g.k();
            boolean ta = ta(a), tb = tb(a);
            if (!Elementwise.skip(req[0], out[0])) { // d op(A) = dC op(B)^T; stored transposed when ta
                if (!ta) Gemm.gemm(dc.dtype(), false, !tb, m, k, n, dc.segment(), 0, rhs.segment(), 0, out[0].segment(), 0, req[0] == OpReq.ADD);
                else Gemm.gemm(dc.dtype(), tb, true, k, m, n, rhs.segment(), 0, dc.segment(), 0, out[0].segment(), 0, req[0] == OpReq.ADD);
            }
            if (!Elementwise.skip(req[1], out[1])) { // d op(B) = op(A)^T dC; stored transposed when tb
                if (!tb) Gemm.gemm(dc.dtype(), !ta, false, k, n, m, lhs.segment(), 0, dc.segment(), 0, out[1].segment(), 0, req[1] == OpReq.ADD);
                else Gemm.gemm(dc.dtype(), true, ta, n, k, m, dc.segment(), 0, lhs.segment(), 0, out[1].segment(), 0, req[1] == OpReq.ADD);
            }
        });
        t.add("batch_dot", (ctx, a, in, req, out) -> {
            if (Elementwise.skip(req[0], out[0])) return;
            LinalgOps.BatchGeometry g = LinalgOps.batchGeometry("batch_dot", in[0].shape(), in[1].shape(), ta(a), tb(a));
            long sa = g.m() * g.k(), sb = g.k() * g.n(), sc = g.m() * g.n();
            for (long i = 0; i < g.batch(); i++) {
                Gemm.gemm(out[0].dtype(), ta(a), tb(a), g.m(), g.n(), g.k(), in[0].segment(), i * sa, in[1].segment(), i * sb,
                        out[0].segment(), i * sc, req[0] == OpReq.ADD);
            }
        });
    }

    private static LinalgOps.DotGeometry geometry(Attrs a, Tensor lhs, Tensor rhs) {
        return LinalgOps.dotGeometry("dot", lhs.shape(), rhs.shape(), ta(a), tb(a));
    }

    private static boolean ta(Attrs a) { return a.getBool("transpose_a"); }

    private static boolean tb(Attrs a) { return a.getBool("transpose_b"); }
}
