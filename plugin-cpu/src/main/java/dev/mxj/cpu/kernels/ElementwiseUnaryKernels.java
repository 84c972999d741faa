package dev.mxj.cpu.kernels;

import dev.mxj.device.KernelTable;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.function.DoubleUnaryOperator;

/**
 * CPU kernels of the unary element-wise operators and their {@code _backward_X}: one table row
 * per operator with its function, the derivative its backward multiplies ograd by (of the
 * input or of the output, as declared in ElementwiseUnaryOps), and a float32 fast loop for the
 * hottest ones. Computation is in double; integer dtypes truncate the result like MXNet's
 * {@code DType(f(a))}.
 */
public final class ElementwiseUnaryKernels {
    private ElementwiseUnaryKernels() {}

    private record U(String name, DoubleUnaryOperator f, DoubleUnaryOperator d, F32Loops.Un fast) {}

    private static U u(String name, DoubleUnaryOperator f, DoubleUnaryOperator d) { return new U(name, f, d, null); }

    private static final double LN2 = Math.log(2), LN10 = Math.log(10);

    private static final U[] TABLE = {
        new U("abs", Math::abs, ElementwiseUnaryKernels::sign, F32Loops.Un.ABS),
        u("sign", ElementwiseUnaryKernels::sign, null),
        new U("negative", x -> -x, null, F32Loops.Un.NEG),
        u("reciprocal", x -> 1 / x, x -> -1 / (x * x)),
        new U("square", x -> x * x, x -> 2 * x, F32Loops.Un.SQUARE),
        new U("sqrt", Math::sqrt, y -> 0.5 / y, F32Loops.Un.SQRT),
        u("rsqrt", x -> 1 / Math.sqrt(x), x -> -0.5 / (Math.sqrt(x) * x)),
        u("cbrt", Math::cbrt, y -> 1 / (3 * y * y)),
        u("rcbrt", x -> 1 / Math.cbrt(x), x -> -1 / (3 * Math.cbrt(x) * x)),
        u("exp", Math::exp, null),
        u("expm1", Math::expm1, Math::exp),
        u("log", Math::log, x -> 1 / x),
        u("log1p", Math::log1p, x -> 1 / (1 + x)),
        u("log2", x -> Math.log(x) / LN2, x -> 1 / (x * LN2)),
        u("log10", Math::log10, x -> 1 / (x * LN10)),
        u("sin", Math::sin, Math::cos),
        u("cos", Math::cos, x -> -Math.sin(x)),
        u("tan", Math::tan, y -> y * y + 1),
        u("arcsin", Math::asin, x -> 1 / Math.sqrt(1 - x * x)),
        u("arccos", Math::acos, x -> -1 / Math.sqrt(1 - x * x)),
        u("arctan", Math::atan, x -> 1 / (x * x + 1)),
        u("sinh", Math::sinh, Math::cosh),
        u("cosh", Math::cosh, Math::sinh),
        u("tanh", Math::tanh, y -> 1 - y * y),
        u("arcsinh", ElementwiseUnaryKernels::asinh, x -> 1 / Math.hypot(x, 1)),
        u("arccosh", ElementwiseUnaryKernels::acosh, x -> 1 / Math.sqrt(x * x - 1)),
        u("arctanh", ElementwiseUnaryKernels::atanh, x -> 1 / (1 - x * x)),
        u("degrees", Math::toDegrees, x -> 180 / Math.PI),
        u("radians", Math::toRadians, x -> Math.PI / 180),
        u("sigmoid", x -> 1 / (1 + Math.exp(-x)), y -> y * (1 - y)),
        new U("relu", x -> x > 0 || Double.isNaN(x) ? x : 0, y -> Double.isNaN(y) ? y : y > 0 ? 1 : 0, F32Loops.Un.RELU),
        u("softsign", x -> x / (1 + Math.abs(x)), x -> 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)))),
        u("erf", SpecialFunctions::erf, x -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x)),
        u("erfinv", SpecialFunctions::erfinv, y -> 0.5 * Math.sqrt(Math.PI) * Math.exp(y * y)),
        u("gamma", SpecialFunctions::gamma, x -> SpecialFunctions.gamma(x) * SpecialFunctions.digamma(x)),
        u("gammaln", SpecialFunctions::lgamma, SpecialFunctions::digamma),
        u("floor", Math::floor, null),
        u("ceil", Math::ceil, null),
        u("round", ElementwiseUnaryKernels::roundHalfAway, null),
        u("rint", ElementwiseUnaryKernels::rintHalfDown, null),
        u("fix", ElementwiseUnaryKernels::fix, null),
        u("trunc", x -> x < 0 ? Math.ceil(x) : Math.floor(x), null),
        u("logical_not", x -> x != 0 ? 0 : 1, null),
    };

    /** MXNet's sign: 0 for NaN (neither test is true). */
    static double sign(double x) { return x < 0 ? -1 : x > 0 ? 1 : 0; }

    /** C round(): halves away from zero. */
    static double roundHalfAway(double x) {
        double a = Math.abs(x), f = Math.floor(a);
        return Math.copySign(a - f >= 0.5 ? f + 1 : f, x);
    }

    /** MXNet's rint: the nearer of floor and ceil, ties to floor. */
    static double rintHalfDown(double x) {
        double f = Math.floor(x), c = Math.ceil(x);
        return x - f <= c - x ? f : c;
    }

    /** MXNet's fix: whichever of floor and ceil is nearer zero. */
    static double fix(double x) {
        double f = Math.floor(x), c = Math.ceil(x);
        return Math.abs(f) < Math.abs(c) ? f : c;
    }

    public static void register(KernelTable t) {
        for (U u : TABLE) {
            DoubleUnaryOperator f = u.f;
            F32Loops.Un fast = u.fast;
            t.add(u.name, (ctx, attrs, in, req, out) -> Elementwise.map1(in[0], out[0], req[0], f, fast));
            if (u.d != null) {
                DoubleUnaryOperator d = u.d;
                t.add("_backward_" + u.name, (ctx, attrs, in, req, out) ->
                        Elementwise.map2(in[0], in[1], out[0], req[0], (g, v) -> g * d.applyAsDouble(v), null));
            }
        }
        t.add("_copy", (ctx, attrs, in, req, out) -> copy(in[0], out[0], req[0]));
        t.add("Cast", (ctx, attrs, in, req, out) -> copy(in[0], out[0], req[0]));
        t.add("_backward_cast", (ctx, attrs, in, req, out) -> copy(in[0], out[0], req[0]));
    }

    /** Copy with dtype conversion (C-cast semantics); a byte copy, split over threads, when dtypes match. */
    static void copy(Tensor x, Tensor out, OpReq req) {
        if (Elementwise.skip(req, out)) return;
        if (req == OpReq.ADD || x.dtype() != out.dtype()) {
            Elementwise.map1(x, out, req, v -> v, null);
            return;
        }
        if (x.storage() == out.storage() && x.byteOffset() == out.byteOffset()) return; // in place: nothing to do
        MemorySegment xs = x.segment(), os = out.segment();
        CpuParallel.forRange(x.byteSize(), Elementwise.GRAIN * 4, (from, to) -> MemorySegment.copy(xs, from, os, from, to - from));
    }

    static double asinh(double x) {
        double a = Math.abs(x);
        double r = a > 1e150 ? Math.log(a) + LN2 : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    static double acosh(double x) {
        if (x > 1e150) return Math.log(x) + LN2;
        double t = x - 1;
        return Math.log1p(t + Math.sqrt(t * (x + 1))); // NaN below 1 through the square root
    }

    static double atanh(double x) { return 0.5 * Math.log1p(2 * x / (1 - x)); }
}
