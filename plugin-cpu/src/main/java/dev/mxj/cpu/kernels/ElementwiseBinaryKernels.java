package dev.mxj.cpu.kernels;

import dev.mxj.cpu.kernels.Elementwise.Fn3;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpContext;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.Shape;

import java.lang.foreign.MemorySegment;
import java.util.function.DoubleBinaryOperator;

/**
 * CPU kernels of the binary element-wise family (ElementwiseBinaryOps): each table row gives
 * the element function, the float32 fast loop if any, and the two partial derivatives used by
 * the fused backward ({@code _backward_X} and {@code _backward_broadcast_X}); scalar forms are
 * generated from the same functions with the scalar bound as rhs (or lhs for {@code _r*}).
 */
public final class ElementwiseBinaryKernels {
    private ElementwiseBinaryKernels() {}

    /** Partial derivative of f(a, b) with respect to one operand, times ograd g. */
    private record B(String elem, String bcast, DoubleBinaryOperator f, F32Loops.Bin fast, Fn3 dl, Fn3 dr) {}

    private static final B[] TABLE = {
        new B("elemwise_add", "broadcast_add", Double::sum, F32Loops.Bin.ADD, (g, a, b) -> g, (g, a, b) -> g),
        new B("elemwise_sub", "broadcast_sub", (a, b) -> a - b, F32Loops.Bin.SUB, (g, a, b) -> g, (g, a, b) -> -g),
        new B("elemwise_mul", "broadcast_mul", (a, b) -> a * b, F32Loops.Bin.MUL, (g, a, b) -> g * b, (g, a, b) -> g * a),
        new B("elemwise_div", "broadcast_div", (a, b) -> a / b, F32Loops.Bin.DIV, (g, a, b) -> g / b, (g, a, b) -> -g * a / (b * b)),
        new B("_mod", "broadcast_mod", ElementwiseBinaryKernels::mod, null, (g, a, b) -> g, (g, a, b) -> -g * Math.floor(a / b)),
        new B("_power", "broadcast_power", Math::pow, null, (g, a, b) -> g * Math.pow(a, b - 1) * b, (g, a, b) -> g * Math.pow(a, b) * Math.log(a)),
        new B("_maximum", "broadcast_maximum", ElementwiseBinaryKernels::max, F32Loops.Bin.MAX, (g, a, b) -> a >= b ? g : 0, (g, a, b) -> a < b ? g : 0),
        new B("_minimum", "broadcast_minimum", ElementwiseBinaryKernels::min, F32Loops.Bin.MIN, (g, a, b) -> a <= b ? g : 0, (g, a, b) -> a > b ? g : 0),
        new B("_hypot", "broadcast_hypot", Math::hypot, null, (g, a, b) -> g * a / Math.hypot(a, b), (g, a, b) -> g * b / Math.hypot(a, b)),
        new B("_equal", "broadcast_equal", (a, b) -> a == b ? 1 : 0, null, null, null),
        new B("_not_equal", "broadcast_not_equal", (a, b) -> a != b ? 1 : 0, null, null, null),
        new B("_greater", "broadcast_greater", (a, b) -> a > b ? 1 : 0, null, null, null),
        new B("_greater_equal", "broadcast_greater_equal", (a, b) -> a >= b ? 1 : 0, null, null, null),
        new B("_lesser", "broadcast_lesser", (a, b) -> a < b ? 1 : 0, null, null, null),
        new B("_lesser_equal", "broadcast_lesser_equal", (a, b) -> a <= b ? 1 : 0, null, null, null),
        new B("_logical_and", "broadcast_logical_and", (a, b) -> a != 0 && b != 0 ? 1 : 0, null, null, null),
        new B("_logical_or", "broadcast_logical_or", (a, b) -> a != 0 || b != 0 ? 1 : 0, null, null, null),
        new B("_logical_xor", "broadcast_logical_xor", (a, b) -> (a != 0) != (b != 0) ? 1 : 0, null, null, null),
    };

    /** A scalar form: f(x, s), reversed forms swap the arguments; {@code d} is the backward's derivative (of the input, or of the output for rpower). */
    private record S(String name, DoubleBinaryOperator f, F32Loops.Bin fast, boolean reversed, DoubleBinaryOperator d) {}

    private static final S[] SCALARS = {
        new S("_plus_scalar", Double::sum, F32Loops.Bin.ADD, false, null),
        new S("_minus_scalar", (x, s) -> x - s, F32Loops.Bin.SUB, false, null),
        new S("_rminus_scalar", (x, s) -> s - x, F32Loops.Bin.SUB, true, null),
        new S("_mul_scalar", (x, s) -> x * s, F32Loops.Bin.MUL, false, null),
        new S("_div_scalar", (x, s) -> x / s, F32Loops.Bin.DIV, false, null),
        new S("_rdiv_scalar", (x, s) -> s / x, F32Loops.Bin.DIV, true, (x, s) -> -s / (x * x)),
        new S("_mod_scalar", ElementwiseBinaryKernels::mod, null, false, null),
        new S("_rmod_scalar", (x, s) -> mod(s, x), null, true, (x, s) -> -Math.floor(s / x)),
        new S("_power_scalar", Math::pow, null, false, (x, s) -> Math.pow(x, s - 1) * s),
        new S("_rpower_scalar", (x, s) -> Math.pow(s, x), null, true, (y, s) -> y * Math.log(s)),
        new S("_maximum_scalar", ElementwiseBinaryKernels::max, F32Loops.Bin.MAX, false, (x, s) -> x >= s ? 1 : 0),
        new S("_minimum_scalar", ElementwiseBinaryKernels::min, F32Loops.Bin.MIN, false, (x, s) -> x <= s ? 1 : 0),
        new S("_hypot_scalar", Math::hypot, null, false, (x, s) -> x / Math.hypot(x, s)),
        new S("_equal_scalar", (x, s) -> x == s ? 1 : 0, null, false, null),
        new S("_not_equal_scalar", (x, s) -> x != s ? 1 : 0, null, false, null),
        new S("_greater_scalar", (x, s) -> x > s ? 1 : 0, null, false, null),
        new S("_greater_equal_scalar", (x, s) -> x >= s ? 1 : 0, null, false, null),
        new S("_lesser_scalar", (x, s) -> x < s ? 1 : 0, null, false, null),
        new S("_lesser_equal_scalar", (x, s) -> x <= s ? 1 : 0, null, false, null),
        new S("_logical_and_scalar", (x, s) -> x != 0 && s != 0 ? 1 : 0, null, false, null),
        new S("_logical_or_scalar", (x, s) -> x != 0 || s != 0 ? 1 : 0, null, false, null),
        new S("_logical_xor_scalar", (x, s) -> (x != 0) != (s != 0) ? 1 : 0, null, false, null),
    };

    /** MXNet's mod: the remainder with the sign of the divisor (Python's %), 0 for a zero divisor. */
    static double mod(double a, double b) {
        if (b == 0) return 0;
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    /** MXNet's maximum: NaN in either operand wins. */
    static double max(double a, double b) { return Double.isNaN(a) ? a : a > b ? a : b; }

    static double min(double a, double b) { return Double.isNaN(a) ? a : a < b ? a : b; }

    public static void register(KernelTable t) {
        for (B b : TABLE) {
            Kernel fwd = (ctx, a, in, req, out) -> Elementwise.map2(in[0], in[1], out[0], req[0], b.f, b.fast);
            t.add(b.elem, fwd);
            t.add(b.bcast, fwd);
            if (b.dl != null) {
                Kernel bwd = (ctx, a, in, req, out) -> {
                    grad(ctx, in[0], in[1], in[2], out[0], req[0], b.dl, linear(b, true));
                    grad(ctx, in[0], in[1], in[2], out[1], req[1], b.dr, linear(b, false));
                };
                t.add("_backward_" + b.bcast, bwd);
                if (!b.elem.equals("elemwise_add") && !b.elem.equals("elemwise_sub")) {
                    t.add("_backward_" + (b.elem.startsWith("_") ? b.elem.substring(1) : b.elem.substring("elemwise_".length())), bwd);
                }
            }
        }
        for (S s : SCALARS) {
            t.add(s.name, (ctx, a, in, req, out) -> {
                double v = scalar(a, out[0].dtype());
                Elementwise.mapScalar(in[0], out[0], req[0], x -> s.f.applyAsDouble(x, v), s.fast, (float) v, s.reversed);
            });
            if (s.d != null) {
                t.add("_backward" + s.name, (ctx, a, in, req, out) -> {
                    double v = a.getDouble("scalar");
                    Elementwise.map2(in[0], in[1], out[0], req[0], (g, x) -> g * s.d.applyAsDouble(x, v), null);
                });
            }
        }
        t.add("add_n", (ctx, a, in, req, out) -> addN(in, out[0], req[0]));
    }

    /** The scalar as the kernel's compute dtype holds it (MXNet's {@code DType(alpha)}: truncated for integer outputs). */
    private static double scalar(Attrs a, DType out) { return Blocks.cast(out, a.getDouble("scalar")); }

    /**
     * One input's gradient: f(ograd, lhs, rhs) at the output shape, summed over the axes the
     * input was broadcast along (through a float64 scratch buffer) when its shape differs.
     */
    /** For add and sub the gradient is ograd times a constant (1 or -1), else 0 (not linear). */
    private static double linear(B b, boolean lhs) {
        if (b.elem.equals("elemwise_add")) return 1;
        if (b.elem.equals("elemwise_sub")) return lhs ? 1 : -1;
        return 0;
    }

    private static void grad(OpContext ctx, Tensor og, Tensor l, Tensor r, Tensor g, OpReq req, Fn3 f, double linear) {
        if (Elementwise.skip(req, g)) return;
        Shape os = og.shape();
        if (linear != 0 && !g.shape().equals(os)) { // sum ograd over the broadcast axes directly, no scratch copy (bias gradients)
            ReduceEngine.reduce(ReduceEngine.Kind.SUM, og, broadcastMask(os, g.shape()), g, req, linear, false);
            return;
        }
        if (g.shape().equals(os)) {
            Elementwise.map3(og, l, r, g, req, f);
            return;
        }
        Tensor full = new Tensor(ctx.tempSpace(os.size() * 8), 0, os, DType.FLOAT64);
        Elementwise.map3(og, l, r, full, OpReq.WRITE, f);
        ReduceEngine.reduce(ReduceEngine.Kind.SUM, full, broadcastMask(os, g.shape()), g, req, 1, false);
    }

    /** The axes of {@code out} along which an operand of shape {@code in} was broadcast (right-aligned). */
    private static boolean[] broadcastMask(Shape out, Shape in) {
        int n = out.ndim(), off = n - in.ndim();
        boolean[] mask = new boolean[n];
        for (int i = 0; i < n; i++) mask[i] = i < off || in.dim(i - off) == 1;
        return mask;
    }

    private static void addN(Tensor[] in, Tensor out, OpReq req) {
        if (Elementwise.skip(req, out)) return;
        if (in.length == 1) {
            ElementwiseUnaryKernels.copy(in[0], out, req);
            return;
        }
        boolean add = req == OpReq.ADD, f32 = out.dtype() == DType.FLOAT32;
        for (Tensor x : in) f32 &= x.dtype() == DType.FLOAT32;
        MemorySegment os = out.segment();
        MemorySegment[] xs = new MemorySegment[in.length];
        for (int k = 0; k < in.length; k++) xs[k] = in[k].segment();
        DType ot = out.dtype();
        boolean fast = f32 && !add;
        CpuParallel.forRange(out.size(), Elementwise.GRAIN, (from, to) -> {
            double[] acc = new double[Blocks.BLOCK], v = new double[Blocks.BLOCK];
            int step = fast ? Blocks.BLOCK * 16 : Blocks.BLOCK;
            for (long i = from; i < to; i += step) {
                int n = (int) Math.min(step, to - i);
                if (fast) { // out = x0 + x1, then out += xk: each pass a vector loop, the chunk stays in cache
                    F32Loops.vv(F32Loops.Bin.ADD, xs[0], i, xs[1], i, os, i, n);
                    for (int k = 2; k < xs.length; k++) F32Loops.vv(F32Loops.Bin.ADD, os, i, xs[k], i, os, i, n);
                    continue;
                }
                Blocks.load(xs[0], in[0].dtype(), i, 1, acc, n);
                for (int k = 1; k < xs.length; k++) {
                    Blocks.load(xs[k], in[k].dtype(), i, 1, v, n);
                    for (int j = 0; j < n; j++) acc[j] += v[j];
                }
                Blocks.store(os, ot, i, acc, n, add);
            }
        });
    }
}
