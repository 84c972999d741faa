package dev.mxj.cpu.kernels;

import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The element-wise engine behind unary, binary, broadcast, scalar and backward kernels.
 * Output elements are split over threads in chunks of at least {@link #GRAIN}, each chunk is
 * walked as rows of a {@link StridedPlan}, and each row runs either a float32 fast loop
 * ({@link F32Loops}) or the general path: operands loaded into double blocks, the function
 * applied, the block stored with the output's dtype and OpReq. Writing row by row in index
 * order also makes OpReq.INPLACE safe (every element is read before it is written).
 */
final class Elementwise {
    private Elementwise() {}

    /** Elements per thread below which work stays on the calling thread. */
    static final long GRAIN = 32_768;

    /** A three-argument element function (backward kernels: ograd, input, output). */
    @FunctionalInterface
    interface Fn3 {
        double apply(double a, double b, double c);
    }

    static boolean skip(OpReq req, Tensor out) { return req == OpReq.NULL || out.size() == 0; }

    /** out = f(x), same shapes; {@code fast} (nullable) is the float32 loop for f. */
    static void map1(Tensor x, Tensor out, OpReq req, DoubleUnaryOperator f, F32Loops.Un fast) {
        if (skip(req, out)) return;
        boolean add = req == OpReq.ADD;
        MemorySegment xs = x.segment(), os = out.segment();
        DType xt = x.dtype(), ot = out.dtype();
        if (fast != null && !add && xt == DType.FLOAT32 && ot == DType.FLOAT32) {
            CpuParallel.forRange(out.size(), GRAIN, (from, to) -> {
                for (long i = from; i < to; i += Blocks.BLOCK * 64) {
                    F32Loops.unary(fast, xs, i, os, i, (int) Math.min(Blocks.BLOCK * 64, to - i));
                }
            });
            return;
        }
        CpuParallel.forRange(out.size(), GRAIN, (from, to) -> {
            double[] v = new double[Blocks.BLOCK];
            for (long i = from; i < to; i += Blocks.BLOCK) {
                int n = (int) Math.min(Blocks.BLOCK, to - i);
                Blocks.load(xs, xt, i, 1, v, n);
                for (int j = 0; j < n; j++) v[j] = f.applyAsDouble(v[j]);
                Blocks.store(os, ot, i, v, n, add);
            }
        });
    }

    /**
     * out = x op s with a scalar (or s op x when {@code reversed}); {@code f} is the full
     * element function, {@code fast} the float32 loop (nullable).
     */
    static void mapScalar(Tensor x, Tensor out, OpReq req, DoubleUnaryOperator f, F32Loops.Bin fast, float s, boolean reversed) {
        if (skip(req, out)) return;
        if (fast == null || req == OpReq.ADD || x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) {
            map1(x, out, req, f, null);
            return;
        }
        MemorySegment xs = x.segment(), os = out.segment();
        CpuParallel.forRange(out.size(), GRAIN, (from, to) -> {
            for (long i = from; i < to; i += Blocks.BLOCK * 64) {
                int n = (int) Math.min(Blocks.BLOCK * 64, to - i);
                if (reversed) F32Loops.sv(fast, s, xs, i, os, i, n);
                else F32Loops.vs(fast, xs, i, s, os, i, n);
            }
        });
    }

    /** out = f(a, b) with a and b broadcast to out's shape; {@code fast} (nullable) the float32 loop. */
    static void map2(Tensor a, Tensor b, Tensor out, OpReq req, DoubleBinaryOperator f, F32Loops.Bin fast) {
        if (skip(req, out)) return;
        boolean add = req == OpReq.ADD;
        StridedPlan plan = StridedPlan.of(out.shape(), a.shape(), b.shape());
        MemorySegment as = a.segment(), bs = b.segment(), os = out.segment();
        DType at = a.dtype(), bt = b.dtype(), ot = out.dtype();
        long sa = plan.innerStride(0), sb = plan.innerStride(1);
        if (fast != null && !add && at == DType.FLOAT32 && bt == DType.FLOAT32 && ot == DType.FLOAT32 && (sa != 0 || sb != 0)) {
            CpuParallel.forRange(plan.size, GRAIN, (from, to) -> plan.rows(from, to, Integer.MAX_VALUE, (o, offs, n) -> {
                if (sa != 0 && sb != 0) F32Loops.vv(fast, as, offs[0], bs, offs[1], os, o, n);
                else if (sa != 0) F32Loops.vs(fast, as, offs[0], bs.getAtIndex(ValueLayout.JAVA_FLOAT, offs[1]), os, o, n);
                else F32Loops.sv(fast, as.getAtIndex(ValueLayout.JAVA_FLOAT, offs[0]), bs, offs[1], os, o, n);
            }));
            return;
        }
        CpuParallel.forRange(plan.size, GRAIN, (from, to) -> {
            double[] x = new double[Blocks.BLOCK], y = new double[Blocks.BLOCK];
            plan.rows(from, to, Blocks.BLOCK, (o, offs, n) -> {
                Blocks.load(as, at, offs[0], sa, x, n);
                Blocks.load(bs, bt, offs[1], sb, y, n);
                for (int j = 0; j < n; j++) x[j] = f.applyAsDouble(x[j], y[j]);
                Blocks.store(os, ot, o, x, n, add);
            });
        });
    }

    /** out = f(a, b, c) with every operand broadcast to out's shape (general path only). */
    static void map3(Tensor a, Tensor b, Tensor c, Tensor out, OpReq req, Fn3 f) {
        if (skip(req, out)) return;
        boolean add = req == OpReq.ADD;
        StridedPlan plan = StridedPlan.of(out.shape(), a.shape(), b.shape(), c.shape());
        MemorySegment as = a.segment(), bs = b.segment(), cs = c.segment(), os = out.segment();
        DType at = a.dtype(), bt = b.dtype(), ct = c.dtype(), ot = out.dtype();
        long sa = plan.innerStride(0), sb = plan.innerStride(1), sc = plan.innerStride(2);
        CpuParallel.forRange(plan.size, GRAIN, (from, to) -> {
            double[] x = new double[Blocks.BLOCK], y = new double[Blocks.BLOCK], z = new double[Blocks.BLOCK];
            plan.rows(from, to, Blocks.BLOCK, (o, offs, n) -> {
                Blocks.load(as, at, offs[0], sa, x, n);
                Blocks.load(bs, bt, offs[1], sb, y, n);
                Blocks.load(cs, ct, offs[2], sc, z, n);
                for (int j = 0; j < n; j++) x[j] = f.apply(x[j], y[j], z[j]);
                Blocks.store(os, ot, o, x, n, add);
            });
        });
    }

    /** A view of {@code t} with another shape of the same size (reduced results seen with kept axes). */
    static Tensor view(Tensor t, Shape s) { return t.shape().equals(s) ? t : t.reshape(s); }
}
