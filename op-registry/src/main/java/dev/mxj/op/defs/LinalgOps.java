package dev.mxj.op.defs;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.NodeEntry;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Matrix products (MXNet 1.9 dot.cc): {@code dot} with MXNet's N-d semantics and
 * {@code batch_dot}. Kernels use GEMM on 2-D views, so the geometry is computed once here
 * ({@link #dotGeometry}) and shared with them.
 */
public final class LinalgOps {
    private LinalgOps() {}

    /**
     * dot(lhs, rhs) as one GEMM: lhs viewed as an (m, k) matrix, or (k, m) stored when
     * transposed; rhs as (k, n), or (n, k) stored when transposed.
     */
    public record DotGeometry(long m, long n, long k, Shape out) {}

    /**
     * MXNet's DotShape: with transpose_a the first axis of lhs is contracted (lhs is (k, rest...)),
     * otherwise its last; with transpose_b the last axis of rhs is contracted, otherwise its
     * first. The output is lhs's remaining axes followed by rhs's; two vectors give (1,).
     */
    public static DotGeometry dotGeometry(String op, Shape l, Shape r, boolean ta, boolean tb) {
        if (l.ndim() == 0 || r.ndim() == 0) throw new ShapeException("Operator " + op + ": scalar tensor is not supported by this operator, got " + l + " X " + r);
        long[] ld = l.dims(), rd = r.dims();
        if (ld.length == 1 && rd.length == 1) {
            if (ta || tb) throw new ShapeException("Operator " + op + ": cannot transpose vectors");
            if (ld[0] != rd[0]) throw new ShapeException("Operator " + op + ": dot shape error: " + l + " X " + r);
            return new DotGeometry(1, 1, ld[0], Shape.of(1L));
        }
        long lk = ta ? ld[0] : ld[ld.length - 1];
        long[] lRest = ld.length == 1 ? new long[0] : ta ? Arrays.copyOfRange(ld, 1, ld.length) : Arrays.copyOf(ld, ld.length - 1);
        long rk = tb ? rd[rd.length - 1] : rd[0];
        long[] rRest = rd.length == 1 ? new long[0] : tb ? Arrays.copyOf(rd, rd.length - 1) : Arrays.copyOfRange(rd, 1, rd.length);
        if (lk != rk) throw new ShapeException("Operator " + op + ": dot shape error: " + l + " X " + r + " (transpose_a=" + ta + ", transpose_b=" + tb + ")");
        long[] o = new long[lRest.length + rRest.length];
        System.arraycopy(lRest, 0, o, 0, lRest.length);
        System.arraycopy(rRest, 0, o, lRest.length, rRest.length);
        return new DotGeometry(prod(lRest), prod(rRest), lk, Shape.of(o));
    }

    /** batch_dot geometry: (batch, m, n, k) and the output shape; MXNet's BatchDotShape. */
    public record BatchGeometry(long batch, long m, long n, long k, Shape out) {}

    public static BatchGeometry batchGeometry(String op, Shape l, Shape r, boolean ta, boolean tb) {
        int nd = l.ndim();
        if (nd < 3 || r.ndim() != nd) {
            throw new ShapeException("Operator " + op + ": batch_dot currently only support N-D*N-D array (N >= 3), got " + l + " v.s. " + r);
        }
        long[] ld = l.dims(), rd = r.dims();
        long batch = 1;
        for (int i = 0; i < nd - 2; i++) {
            if (ld[i] != rd[i]) throw new ShapeException("Operator " + op + ": batch_dot shape error (the leading batch dimensions must be equal): " + l + " X " + r);
            batch *= ld[i];
        }
        long m = ta ? ld[nd - 1] : ld[nd - 2], lk = ta ? ld[nd - 2] : ld[nd - 1];
        long n = tb ? rd[nd - 2] : rd[nd - 1], rk = tb ? rd[nd - 1] : rd[nd - 2];
        if (lk != rk) {
            throw new ShapeException("Operator " + op + ": batch_dot shape error (shape mismatch): " + l + " X " + r + " trans_a=" + ta + " trans_b=" + tb);
        }
        long[] o = Arrays.copyOf(ld, nd);
        o[nd - 2] = m;
        o[nd - 1] = n;
        return new BatchGeometry(batch, m, n, lk, Shape.of(o));
    }

    private static long prod(long[] d) {
        long p = 1;
        for (long x : d) p *= x;
        return p;
    }

    private static OpDef.Builder dotParams(OpDef.Builder b) {
        return b.param(Param.boolParam("transpose_a").defaultValue(false).doc("Transpose the first input before the product."))
                .param(Param.boolParam("transpose_b").defaultValue(false).doc("Transpose the second input before the product."))
                .param(Param.enumParam("forward_stype", "default", "row_sparse", "csr").optional()
                        .doc("Desired output storage type; accepted for compatibility, outputs are always dense."));
    }

    private static boolean ta(Attrs a) { return a.getBool("transpose_a"); }

    private static boolean tb(Attrs a) { return a.getBool("transpose_b"); }

    private static final ShapeFn DOT_SHAPE = (attrs, in, out) -> {
        if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
        ShapeRules.assign(attrs, out, 0, dotGeometry(attrs.op().name(), in[0], in[1], ta(attrs), tb(attrs)).out(), "output 0");
        return true;
    };

    private static final ShapeFn BATCH_DOT_SHAPE = (attrs, in, out) -> {
        if (!ShapeRules.known(in[0]) || !ShapeRules.known(in[1])) return false;
        ShapeRules.assign(attrs, out, 0, batchGeometry(attrs.op().name(), in[0], in[1], ta(attrs), tb(attrs)).out(), "output 0");
        return true;
    };

    public static void register(OpRegistry r) {
        dotParams(OpDef.builder("dot")).family("linalg")
                .doc("Dot product of two arrays. 1-D x 1-D is the inner product (shape (1,)); otherwise lhs is contracted over its last axis "
                        + "(first with transpose_a) and rhs over its first axis (last with transpose_b): dot of shapes (a..., k) and (k, b...) "
                        + "has shape (a..., b...). float32/float64 run through BLAS; float16 and integers through a Java GEMM.")
                .inputs("lhs", "rhs").inferShape(DOT_SHAPE).inferType(MathRules.SAME_NUMERIC)
                .gradient(g -> {
                    var n = g.node("_backward_dot", g.attrs().givenAsStrings(), g.outGrad(0), g.input(0), g.input(1));
                    return List.of(n.output(0), n.output(1));
                })
                .register(r);
        dotParams(OpDef.builder("_backward_dot")).family("linalg").backwardOf("dot")
                .doc("Gradient of dot: (lhs gradient, rhs gradient) from (ograd, lhs, rhs), each one GEMM on the 2-D views.")
                .inputs("ograd", "lhs", "rhs").outputs("lhs_grad", "rhs_grad")
                .inferShape((attrs, in, out) -> {
                    ShapeRules.assign(attrs, out, 0, in[1], "lhs gradient");
                    ShapeRules.assign(attrs, out, 1, in[2], "rhs gradient");
                    if (!ShapeRules.known(in[1]) || !ShapeRules.known(in[2])) return false;
                    ShapeRules.assign(attrs, in, 0, dotGeometry(attrs.op().name(), in[1], in[2], ta(attrs), tb(attrs)).out(), "ograd");
                    return true;
                })
                .inferType(MathRules.BINARY_BACKWARD_TYPE)
                .gradient(SecondOrder.ofBilinearBackward("dot", "_backward_dot"))
                .register(r);
        dotParams(OpDef.builder("batch_dot")).family("linalg")
                .doc("Batched matrix product of N-D arrays (N >= 3) with equal leading batch dimensions: (B..., m, k) x (B..., k, n) gives (B..., m, n); "
                        + "transpose_a/transpose_b transpose the last two axes first.")
                .inputs("lhs", "rhs").inferShape(BATCH_DOT_SHAPE).inferType(MathRules.SAME_NUMERIC)
                .gradient(g -> batchDotGradient(g, ta(g.attrs()), tb(g.attrs())))
                .register(r);
    }

    /** d(A·B) via batch_dot with transpose flags, as MXNet: each case derived from C = op(A) op(B). */
    private static List<NodeEntry> batchDotGradient(GradContext g, boolean ta, boolean tb) {
        NodeEntry a = g.input(0), b = g.input(1), dc = g.outGrad(0);
        NodeEntry da, db;
        if (!ta && !tb) { da = bd(g, dc, b, false, true); db = bd(g, a, dc, true, false); }
        else if (ta && !tb) { da = bd(g, b, dc, false, true); db = bd(g, a, dc, false, false); }
        else if (!ta) { da = bd(g, dc, b, false, false); db = bd(g, dc, a, true, false); }
        else { da = bd(g, b, dc, true, true); db = bd(g, dc, a, true, true); }
        return List.of(da, db);
    }

    private static NodeEntry bd(GradContext g, NodeEntry x, NodeEntry y, boolean ta, boolean tb) {
        return g.op("batch_dot", Map.of("transpose_a", ta, "transpose_b", tb), x, y);
    }
}
