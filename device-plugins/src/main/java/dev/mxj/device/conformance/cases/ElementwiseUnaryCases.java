package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.TypeException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Cases of the unary element-wise operators, from one table: each row is an operator with
 * either a reference function (java.lang.Math, evaluated here) or hand-computed input/output
 * pairs, edge inputs (zeros, signs, infinities, NaN, overflow), and the domain its gradient is
 * checked on. Every operator gets float32 and float64 value cases, an error case and, if
 * differentiable, a gradient check; some also get float16 and int32 cases.
 */
public final class ElementwiseUnaryCases {
    private ElementwiseUnaryCases() {}

    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    /** One operator: values and expected outputs, gradient domain [lo, hi) (lo > hi: no gradient check). */
    private record Row(String op, double[] x, double[] y, DoubleUnaryOperator ref, double lo, double hi) {
        boolean grad() { return lo < hi; }
    }

    /** Reference-function row: domain samples plus edge inputs, expected from {@code ref}. */
    private static Row ref(String op, DoubleUnaryOperator ref, double lo, double hi, double... edges) {
        double[] x = RefMath.concat(RefMath.samples(lo, hi, 6), edges);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = ref.applyAsDouble(x[i]);
        return new Row(op, x, y, ref, lo, hi);
    }

    /** Hand-computed row. */
    private static Row hand(String op, double[] x, double[] y, double lo, double hi) { return new Row(op, x, y, null, lo, hi); }

    private static double[] v(double... a) { return a; }

    private static final double SQRT_PI = Math.sqrt(Math.PI);

    private static final List<Row> TABLE = List.of(
            ref("abs", Math::abs, 0.2, 2, 0, -3, -INF, NAN),
            hand("sign", v(-2, 0, 3, NAN, -INF, 1e-30), v(-1, 0, 1, 0, -1, 1), 1, 0),
            ref("negative", x -> -x, -2, 2, 0, INF, NAN),
            ref("reciprocal", x -> 1 / x, 0.5, 2, 0, INF, -4),
            ref("square", x -> x * x, -2, 2, 1e20, NAN, -3),
            ref("sqrt", Math::sqrt, 0.5, 3, 0, -1, INF),
            ref("rsqrt", x -> 1 / Math.sqrt(x), 0.5, 3, 0, INF, 4),
            ref("cbrt", Math::cbrt, 0.5, 3, -8, 0, INF),
            ref("rcbrt", x -> 1 / Math.cbrt(x), 0.5, 3, -8, INF),
            ref("exp", Math::exp, -2, 2, 100, -INF, 0),
            ref("expm1", Math::expm1, -2, 2, 1e-10, -INF),
            ref("log", Math::log, 0.5, 2, 0, -1, INF),
            ref("log1p", Math::log1p, -0.5, 2, -1, 1e-10, -2),
            ref("log2", x -> Math.log(x) / Math.log(2), 0.5, 2, 8, 0, 0.25),
            ref("log10", Math::log10, 0.5, 2, 1000, 0, -1),
            ref("sin", Math::sin, -3, 3, 0, 1000),
            ref("cos", Math::cos, -3, 3, 0, 10),
            ref("tan", Math::tan, -1.2, 1.2, 0, 1),
            ref("arcsin", Math::asin, -0.9, 0.9, 1, -1, 2),
            ref("arccos", Math::acos, -0.9, 0.9, 1, -1, 2),
            ref("arctan", Math::atan, -3, 3, INF, -INF),
            ref("sinh", Math::sinh, -2, 2, 0, 100),
            ref("cosh", Math::cosh, -2, 2, 0, -3),
            ref("tanh", Math::tanh, -2, 2, INF, -INF, 20),
            ref("arcsinh", x -> Math.log(x + Math.sqrt(x * x + 1)), -3, 3, 0, 5),
            ref("arccosh", x -> Math.log(x + Math.sqrt(x * x - 1)), 1.2, 3, 1, 0.5),
            ref("arctanh", x -> 0.5 * Math.log((1 + x) / (1 - x)), -0.9, 0.9, 0, 1, 2),
            ref("degrees", x -> x * 180 / Math.PI, -3, 3, Math.PI),
            ref("radians", x -> x * Math.PI / 180, -3, 3, 180),
            ref("sigmoid", x -> 1 / (1 + Math.exp(-x)), -3, 3, -INF, INF, 0, -100),
            hand("relu", v(-2, 0, 0.5, 3, NAN, -INF, INF), v(0, 0, 0.5, 3, NAN, 0, INF), 0.1, 2),
            ref("softsign", x -> x / (1 + Math.abs(x)), -3, 3, 0, -1e6),
            hand("erf", v(0, 0.5, -1, 2, 3.5, INF, -INF, NAN),
                    v(0, 0.5204998778130465, -0.8427007929497149, 0.9953222650189527, 0.9999992569016276, 1, -1, NAN), -2, 2),
            hand("erfinv", v(0, 0.5, -0.9, 0.999, 1, -1, 1.5),
                    v(0, 0.4769362762044699, -1.1630871536766743, 2.3267537655135246, INF, -INF, NAN), -0.9, 0.9),
            hand("gamma", v(0.5, 1, 5, -0.5, 3.5, 10, 0, -1),
                    v(SQRT_PI, 1, 24, -2 * SQRT_PI, 1.875 * SQRT_PI, 362880, INF, NAN), 0.5, 4),
            hand("gammaln", v(0.5, 1, 2, 5, 10, 100, -0.5),
                    v(Math.log(SQRT_PI), 0, 0, Math.log(24), Math.log(362880), 359.1342053695754, Math.log(2 * SQRT_PI)), 0.5, 4),
            hand("floor", v(-1.5, -0.5, 0, 0.5, 1.5, 2.5, NAN, INF), v(-2, -1, 0, 0, 1, 2, NAN, INF), 1, 0),
            hand("ceil", v(-1.5, -0.5, 0, 0.5, 1.5, 2.5, NAN, INF), v(-1, -0.0, 0, 1, 2, 3, NAN, INF), 1, 0),
            hand("round", v(-2.5, -1.5, -0.4, 0.5, 1.5, 2.5, 2.4, NAN), v(-3, -2, -0.0, 1, 2, 3, 2, NAN), 1, 0),
            hand("rint", v(-2.5, -1.5, -0.4, 0.5, 1.5, 2.5, 2.6, -INF), v(-3, -2, -0.0, 0, 1, 2, 3, -INF), 1, 0),
            hand("fix", v(-2.7, -1.5, -0.4, 0.5, 1.5, 2.9, INF), v(-2, -1, -0.0, 0, 1, 2, INF), 1, 0),
            hand("trunc", v(-2.7, -1.5, -0.4, 0.5, 1.5, 2.9, NAN), v(-2, -1, -0.0, 0, 1, 2, NAN), 1, 0),
            hand("logical_not", v(0, 1, -2, 0.5, NAN, INF), v(1, 0, 0, 0, 0, 0), 1, 0));

    /** Operators also checked in float16 and in int32 (integers compute in floating point and truncate). */
    private static final List<String> HALF = List.of("abs", "sqrt", "exp", "relu", "sigmoid", "tanh", "negative", "floor");
    private static final List<String> INT32 = List.of("abs", "negative", "square", "sign", "sqrt", "cbrt", "relu", "floor", "round", "logical_not", "reciprocal");

    /** Gradient points for kinked operators (kept away from the kink at 0). */
    private static double[] gradPoints(String op) {
        return switch (op) {
            case "abs" -> v(-1.5, -0.3, 0.4, 2, -0.8, 1.1);
            case "relu" -> v(-1.5, -0.3, 0.4, 2, -0.8, 1.1);
            default -> null;
        };
    }

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        for (Row r : TABLE) {
            int n = r.x.length;
            for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                c.add(OpCase.forward(r.op).label(t.typeName()).input(HostArray.of(Shape.of(n), t, RefMath.quantize(t, r.x)))
                        .expect(HostArray.of(Shape.of(n), t, RefMath.quantize(t, expected(r, t)))).tol(2e-6, 1e-7));
            }
            if (HALF.contains(r.op)) {
                double[] x = RefMath.quantize(DType.FLOAT16, r.x);
                double[] y = new double[n];
                for (int i = 0; i < n; i++) y[i] = r.ref != null ? r.ref.applyAsDouble(x[i]) : r.y[i];
                c.add(OpCase.forward(r.op).label("float16").input(HostArray.of(Shape.of(n), DType.FLOAT16, x))
                        .expect(HostArray.of(Shape.of(n), DType.FLOAT16, RefMath.quantize(DType.FLOAT16, y))).tol(1e-3, 1e-4));
            }
            if (INT32.contains(r.op)) {
                boolean positive = r.op.equals("sqrt") || r.op.equals("reciprocal");
                HostArray in = HostArray.of(Shape.of(2, 3), DType.INT32, positive ? v(1, 2, 3, 9, 4, 30) : v(-7, -1, 0, 1, 4, 30));
                c.add(OpCase.forward(r.op).label("int32").input(in).expect(RefMath.map(in, DType.INT32, z -> intReference(r, z))));
            }
            c.add(OpCase.error(r.op).randomInput(2, 2).param("bogus", 1).fails(ParameterException.class, "bogus"));
            c.add(OpCase.error(r.op).label("bool").input(HostArray.of(Shape.of(2), DType.BOOL, 0, 1)).fails(TypeException.class, "bool"));
            if (r.grad()) {
                double[] pts = gradPoints(r.op);
                OpCase g = OpCase.forward(r.op).label("grad");
                if (pts != null) g.input(Shape.of(2, 3), pts);
                else g.randomInput(Shape.of(2, 3), DType.FLOAT32, r.lo, r.hi);
                c.add(g.gradCheck());
                secondOrder(c, r);
            }
        }
        castAndCopy(c);
        return c;
    }

    /** Operators without a second derivative here (MXNet 1.9 has none either: it would need the trigamma function). */
    private static final List<String> NO_SECOND_ORDER = List.of("gamma", "gammaln");

    /** Where the backward ops that read the forward output get their values: the output's range, away from kinks. */
    private static double[] outputDomain(String op) {
        return switch (op) {
            case "sqrt", "cbrt" -> v(0.5, 2);
            case "tan" -> v(-1.5, 1.5);
            case "tanh", "erfinv" -> v(-0.9, 0.9);
            case "sigmoid" -> v(0.1, 0.9);
            case "relu" -> v(0.2, 2);
            default -> null;
        };
    }

    /** Gradient check of {@code _backward_X} itself (what create_graph differentiates), on (ograd, value). */
    private static void secondOrder(List<OpCase> c, Row r) {
        if (NO_SECOND_ORDER.contains(r.op) || r.op.equals("negative") || r.op.equals("exp")) return; // those two have no _backward_ op
        double[] out = outputDomain(r.op);
        double lo = out == null ? r.lo : out[0], hi = out == null ? r.hi : out[1];
        c.add(OpCase.forward("_backward_" + r.op).label("second order").randomInput(Shape.of(2, 3), DType.FLOAT32, -1, 1)
                .randomInput(Shape.of(2, 3), DType.FLOAT32, lo, hi).gradCheck());
    }

    /** Expected values in dtype t: hand values as written, reference values recomputed from the rounded inputs. */
    private static double[] expected(Row r, DType t) {
        if (r.ref == null) return r.y;
        double[] x = RefMath.quantize(t, r.x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = r.ref.applyAsDouble(x[i]);
        return y;
    }

    /** Integer inputs: whole numbers, so the hand-table operators reduce to these. */
    private static double intReference(Row r, double x) {
        if (r.ref != null) return r.ref.applyAsDouble(x);
        return switch (r.op) {
            case "sign" -> Math.signum(x);
            case "relu" -> Math.max(x, 0);
            case "logical_not" -> x == 0 ? 1 : 0;
            default -> x; // floor, round
        };
    }

    private static void castAndCopy(List<OpCase> c) {
        c.add(OpCase.forward("Cast").label("float32->int32").param("dtype", "int32").input(Shape.of(2, 2), 1.7, -1.7, 0, 300)
                .expect(HostArray.of(Shape.of(2, 2), DType.INT32, 1, -1, 0, 300)));
        c.add(OpCase.forward("cast").label("float32->uint8").param("dtype", "uint8").input(Shape.of(4), 1.7, 255, 300, -1)
                .expect(HostArray.of(Shape.of(4), DType.UINT8, 1, 255, 44, 255)));
        c.add(OpCase.forward("Cast").label("float32->bool").param("dtype", "bool").input(Shape.of(4), 0, 0.5, -2, Double.NaN)
                .expect(HostArray.of(Shape.of(4), DType.BOOL, 0, 1, 1, 1)));
        c.add(OpCase.forward("Cast").label("float64->float16").param("dtype", "float16").input(HostArray.of(Shape.of(3), DType.FLOAT64, 1.0 / 3, 70000, -2))
                .expect(HostArray.of(Shape.of(3), DType.FLOAT16, RefMath.quantize(DType.FLOAT16, v(1.0 / 3, INF, -2)))).tol(1e-3, 0));
        c.add(OpCase.forward("Cast").label("int32->float32").param("dtype", "float32").input(HostArray.of(Shape.of(3), DType.INT32, -5, 0, 16777217))
                .expect(HostArray.of(Shape.of(3), DType.FLOAT32, -5, 0, 16777216)));
        c.add(OpCase.error("Cast").randomInput(2).fails(ParameterException.class, "dtype"));
        c.add(OpCase.error("Cast").label("bad dtype").randomInput(2).param("dtype", "complex64").fails(ParameterException.class, "complex64"));
        c.add(OpCase.forward("Cast").label("grad").param("dtype", "float64").randomInput(2, 3).gradCheck());
        // its backward (ograd cast to data's dtype) differentiated: the head gradient cast back to ograd's
        c.add(OpCase.forward("_backward_cast").label("second order").randomInput(Shape.of(2, 3), DType.FLOAT64, -1, 1).randomInput(2, 3).gradCheck());

        c.add(OpCase.forward("_copy").input(Shape.of(5), 1, -2, INF, NAN, 0).expectValues(Shape.of(5), 1, -2, INF, NAN, 0));
        c.add(OpCase.forward("identity").label("bool").input(HostArray.of(Shape.of(3), DType.BOOL, 1, 0, 1))
                .expect(HostArray.of(Shape.of(3), DType.BOOL, 1, 0, 1)));
        c.add(OpCase.forward("_copy").label("int64").input(HostArray.of(Shape.of(2), DType.INT64, -3, 1L << 40))
                .expect(HostArray.of(Shape.of(2), DType.INT64, -3, 1L << 40)));
        c.add(OpCase.error("_copy").randomInput(2).param("dtype", "int32").fails(ParameterException.class, "dtype"));
        c.add(OpCase.forward("_copy").label("grad").randomInput(3, 2).gradCheck());
    }
}
