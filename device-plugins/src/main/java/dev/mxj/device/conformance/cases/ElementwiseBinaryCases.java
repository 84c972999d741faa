package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * Cases of the binary element-wise family from one table: per row the same-shape operator, its
 * broadcast twin and its scalar forms, a reference function written here, and the operand
 * domains for gradient checks. Each operator gets float32 value cases with edge values, a
 * non-float32 case, a shape (or parameter) error case and, if differentiable, gradient checks,
 * including broadcasting on both sides so the backward's reduction over broadcast axes is tested.
 */
public final class ElementwiseBinaryCases {
    private ElementwiseBinaryCases() {}

    private static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    /** What the scalar form's fused backward {@code _backward<op>(ograd, v)} reads as v, if it has one. */
    private enum Fused { NONE, INPUT, OUTPUT }

    /** A scalar form: f(x, s) (reversed forms already swapped), scalar used in cases, gradient domain of x. */
    private record Scalar(String op, DoubleBinaryOperator f, double s, double lo, double hi, Fused fused) {}

    /** Operand domains for gradient checks; lo >= hi means not differentiable. */
    private record Row(String elem, String bcast, DoubleBinaryOperator f, double alo, double ahi, double blo, double bhi, List<Scalar> scalars) {
        boolean grad() { return alo < ahi; }
    }

    private static Scalar s(String op, DoubleBinaryOperator f, double s, double lo, double hi) { return new Scalar(op, f, s, lo, hi, Fused.NONE); }

    private static Scalar s(String op, DoubleBinaryOperator f, double s, double lo, double hi, Fused fused) { return new Scalar(op, f, s, lo, hi, fused); }

    /**
     * Python's modulo (the result takes the divisor's sign) with MXNet's rule for a zero
     * divisor, from the exact IEEE remainder so that huge operands stay exact.
     */
    static double pyMod(double a, double b) {
        if (b == 0) return 0;
        double r = a % b;
        return r != 0 && (r < 0) != (b < 0) ? r + b : r;
    }

    private static double bool(boolean b) { return b ? 1 : 0; }

    private static final List<Row> TABLE = List.of(
            new Row("elemwise_add", "broadcast_add", Double::sum, -2, 2, -2, 2,
                    List.of(s("_plus_scalar", Double::sum, 1.5, -2, 2))),
            new Row("elemwise_sub", "broadcast_sub", (a, b) -> a - b, -2, 2, -2, 2,
                    List.of(s("_minus_scalar", (x, v) -> x - v, 1.5, -2, 2), s("_rminus_scalar", (x, v) -> v - x, 1.5, -2, 2))),
            new Row("elemwise_mul", "broadcast_mul", (a, b) -> a * b, -2, 2, -2, 2,
                    List.of(s("_mul_scalar", (x, v) -> x * v, -2.5, -2, 2))),
            new Row("elemwise_div", "broadcast_div", (a, b) -> a / b, -2, 2, 0.5, 2,
                    List.of(s("_div_scalar", (x, v) -> x / v, 4, -2, 2), s("_rdiv_scalar", (x, v) -> v / x, 3, 0.5, 2, Fused.INPUT))),
            new Row("_mod", "broadcast_mod", ElementwiseBinaryCases::pyMod, 0.1, 3, 0.6, 1.4,
                    List.of(s("_mod_scalar", ElementwiseBinaryCases::pyMod, 1.3, 0.1, 3), s("_rmod_scalar", (x, v) -> pyMod(v, x), 2.5, 0.6, 1.4, Fused.INPUT))),
            new Row("_power", "broadcast_power", Math::pow, 0.5, 2, -1.5, 1.5,
                    List.of(s("_power_scalar", Math::pow, 2.5, 0.5, 2, Fused.INPUT), s("_rpower_scalar", (x, v) -> Math.pow(v, x), 2, -1, 1, Fused.OUTPUT))),
            new Row("_maximum", "broadcast_maximum", (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? NAN : Math.max(a, b), -1, 1, -1, 1,
                    List.of(s("_maximum_scalar", Math::max, 0.1, -1, 1, Fused.INPUT))),
            new Row("_minimum", "broadcast_minimum", (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? NAN : Math.min(a, b), -1, 1, -1, 1,
                    List.of(s("_minimum_scalar", Math::min, 0.1, -1, 1, Fused.INPUT))),
            new Row("_hypot", "broadcast_hypot", (a, b) -> Math.sqrt(a * a + b * b), 0.5, 2, 0.5, 2,
                    List.of(s("_hypot_scalar", (x, v) -> Math.sqrt(x * x + v * v), 1.5, 0.5, 2, Fused.INPUT))),
            new Row("_equal", "broadcast_equal", (a, b) -> bool(a == b), 1, 0, 1, 0, List.of(s("_equal_scalar", (x, v) -> bool(x == v), 1, 1, 0))),
            new Row("_not_equal", "broadcast_not_equal", (a, b) -> bool(a != b), 1, 0, 1, 0, List.of(s("_not_equal_scalar", (x, v) -> bool(x != v), 1, 1, 0))),
            new Row("_greater", "broadcast_greater", (a, b) -> bool(a > b), 1, 0, 1, 0, List.of(s("_greater_scalar", (x, v) -> bool(x > v), 1, 1, 0))),
            new Row("_greater_equal", "broadcast_greater_equal", (a, b) -> bool(a >= b), 1, 0, 1, 0,
                    List.of(s("_greater_equal_scalar", (x, v) -> bool(x >= v), 1, 1, 0))),
            new Row("_lesser", "broadcast_lesser", (a, b) -> bool(a < b), 1, 0, 1, 0, List.of(s("_lesser_scalar", (x, v) -> bool(x < v), 1, 1, 0))),
            new Row("_lesser_equal", "broadcast_lesser_equal", (a, b) -> bool(a <= b), 1, 0, 1, 0,
                    List.of(s("_lesser_equal_scalar", (x, v) -> bool(x <= v), 1, 1, 0))),
            new Row("_logical_and", "broadcast_logical_and", (a, b) -> bool(a != 0 && b != 0), 1, 0, 1, 0,
                    List.of(s("_logical_and_scalar", (x, v) -> bool(x != 0 && v != 0), 1, 1, 0))),
            new Row("_logical_or", "broadcast_logical_or", (a, b) -> bool(a != 0 || b != 0), 1, 0, 1, 0,
                    List.of(s("_logical_or_scalar", (x, v) -> bool(x != 0 || v != 0), 0, 1, 0))),
            new Row("_logical_xor", "broadcast_logical_xor", (a, b) -> bool((a != 0) != (b != 0)), 1, 0, 1, 0,
                    List.of(s("_logical_xor_scalar", (x, v) -> bool((x != 0) != (v != 0)), 1, 1, 0))));

    /** lhs and rhs of the same-shape value cases: signs, zeros, ties, infinities, NaN, large magnitudes. */
    private static final double[] A = {3, -2, 0, 1.5, 7, -7, 2.5, 1e30, INF, NAN, 0, 4};
    private static final double[] B = {2, 3, 5, 1.5, -2, -2, -0.5, 1e10, 2, 1, 0, 4};

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        Shape s34 = Shape.of(3, 4);
        for (Row r : TABLE) {
            HostArray a = RefMath.f32(s34, A), b = RefMath.f32(s34, B);
            // same shape: float32 with edge values, float64, int32 on whole numbers
            c.add(OpCase.forward(r.elem).input(a).input(b).expect(RefMath.broadcast(a, b, DType.FLOAT32, r.f)).tol(2e-6, 1e-6));
            HostArray a64 = a.astype(DType.FLOAT64), b64 = b.astype(DType.FLOAT64);
            c.add(OpCase.forward(r.elem).label("float64").input(a64).input(b64).expect(RefMath.broadcast(a64, b64, DType.FLOAT64, r.f)).tol(1e-12, 0));
            HostArray ai = HostArray.of(Shape.of(2, 3), DType.INT32, 7, -7, 6, 0, 5, 3), bi = HostArray.of(Shape.of(2, 3), DType.INT32, 2, 2, -4, 3, 5, 1);
            c.add(OpCase.forward(r.elem).label("int32").input(ai).input(bi).expect(RefMath.broadcast(ai, bi, DType.INT32, r.f)));
            c.add(OpCase.error(r.elem).randomInput(2, 3).randomInput(3, 2).fails(ShapeException.class, "shape"));

            // broadcast: both sides stretched, leading axis missing on the right
            HostArray l = RefMath.f32(Shape.of(2, 1, 3), 1, -2, 3, 0.5, 4, -1), rr = RefMath.f32(Shape.of(4, 1), 2, -0.5, 3, 1);
            c.add(OpCase.forward(r.bcast).input(l).input(rr).expect(RefMath.broadcast(l, rr, DType.FLOAT32, r.f)).tol(2e-6, 1e-6));
            HostArray row = RefMath.f32(Shape.of(4), 1, 2, 3, 4);
            c.add(OpCase.forward(r.bcast).label("row").input(a).input(row).expect(RefMath.broadcast(a, row, DType.FLOAT32, r.f)).tol(2e-6, 1e-6));
            HostArray one = HostArray.of(Shape.of(1), DType.FLOAT64, 1.5);
            c.add(OpCase.forward(r.bcast).label("scalar lhs, float64").input(one).input(b64).expect(RefMath.broadcast(one, b64, DType.FLOAT64, r.f)).tol(1e-12, 0));
            c.add(OpCase.forward(r.bcast).label("same shape").input(a).input(b).expect(RefMath.broadcast(a, b, DType.FLOAT32, r.f)).tol(2e-6, 1e-6));
            c.add(OpCase.error(r.bcast).randomInput(2, 3).randomInput(4, 3).fails(ShapeException.class, "could not be broadcast"));

            if (r.grad()) {
                c.add(OpCase.forward(r.elem).label("grad").randomInput(Shape.of(2, 3), DType.FLOAT32, r.alo, r.ahi)
                        .randomInput(Shape.of(2, 3), DType.FLOAT32, r.blo, r.bhi).gradCheck());
                c.add(OpCase.forward(r.bcast).label("grad").randomInput(Shape.of(2, 1, 3), DType.FLOAT32, r.alo, r.ahi)
                        .randomInput(Shape.of(4, 1), DType.FLOAT32, r.blo, r.bhi).gradCheck());
                c.add(OpCase.forward(r.bcast).label("grad same shape").randomInput(Shape.of(2, 3), DType.FLOAT32, r.alo, r.ahi)
                        .randomInput(Shape.of(2, 3), DType.FLOAT32, r.blo, r.bhi).gradCheck());
                secondOrder(c, r);
            }
            for (Scalar s : r.scalars) scalarCases(c, s, a);
        }
        addN(c);
        return c;
    }

    private static void scalarCases(List<OpCase> c, Scalar s, HostArray a) {
        double s32 = (float) s.s; // the kernel sees the scalar as the output dtype holds it (MXNet's DType(alpha))
        c.add(OpCase.forward(s.op).param("scalar", s.s).input(a).expect(RefMath.map(a, DType.FLOAT32, x -> s.f.applyAsDouble(x, s32))).tol(2e-6, 1e-6));
        HostArray a64 = a.astype(DType.FLOAT64);
        c.add(OpCase.forward(s.op).label("float64").param("scalar", s.s).input(a64)
                .expect(RefMath.map(a64, DType.FLOAT64, x -> s.f.applyAsDouble(x, s.s))).tol(1e-12, 0));
        // integer input: is_int=True (default) keeps int32 with the scalar truncated; is_int=False computes in float64
        HostArray ai = HostArray.of(Shape.of(5), DType.INT32, 7, -7, 1, 3, 2);
        double scal = s.s + 0.25, truncated = (long) scal;
        c.add(OpCase.forward(s.op).label("int32").param("scalar", scal).input(ai)
                .expect(RefMath.map(ai, DType.INT32, x -> s.f.applyAsDouble(x, truncated))));
        c.add(OpCase.forward(s.op).label("int32, is_int=False").param("scalar", scal).param("is_int", false).input(ai)
                .expect(RefMath.map(ai, DType.FLOAT64, x -> s.f.applyAsDouble(x, scal))).tol(1e-12, 0));
        c.add(OpCase.error(s.op).randomInput(3).param("scalar", "one").fails(ParameterException.class, "scalar"));
        if (s.lo < s.hi) c.add(OpCase.forward(s.op).label("grad").param("scalar", s.s).randomInput(Shape.of(2, 3), DType.FLOAT32, s.lo, s.hi).gradCheck());
        if (s.fused != Fused.NONE) {
            // the fused backward differentiated (create_graph), on (ograd, v): v from the gradient domain, or its image for a backward reading the output
            double a0 = s.f.applyAsDouble(s.lo, s.s), a1 = s.f.applyAsDouble(s.hi, s.s);
            double lo = s.fused == Fused.INPUT ? s.lo : Math.min(a0, a1), hi = s.fused == Fused.INPUT ? s.hi : Math.max(a0, a1);
            c.add(OpCase.forward("_backward" + s.op).label("second order").param("scalar", s.s).randomInput(2, 3)
                    .randomInput(Shape.of(2, 3), DType.FLOAT32, lo, hi).gradCheck());
        }
    }

    /**
     * Gradient checks of the fused backward ops themselves (what create_graph differentiates), on
     * (ograd, lhs, rhs) from the gradient domains; add and sub have only the broadcast form.
     */
    private static void secondOrder(List<OpCase> c, Row r) {
        if (!r.elem.equals("elemwise_add") && !r.elem.equals("elemwise_sub")) {
            String name = r.elem.startsWith("_") ? r.elem.substring(1) : r.elem.substring("elemwise_".length());
            c.add(OpCase.forward("_backward_" + name).label("second order").randomInput(2, 3)
                    .randomInput(Shape.of(2, 3), DType.FLOAT32, r.alo, r.ahi).randomInput(Shape.of(2, 3), DType.FLOAT32, r.blo, r.bhi).gradCheck());
        }
        c.add(OpCase.forward("_backward_" + r.bcast).label("second order").randomInput(2, 4, 3)
                .randomInput(Shape.of(2, 1, 3), DType.FLOAT32, r.alo, r.ahi).randomInput(Shape.of(4, 1), DType.FLOAT32, r.blo, r.bhi).gradCheck());
    }

    private static void addN(List<OpCase> c) {
        HostArray x = RefMath.f32(Shape.of(2, 2), 1, -2, INF, 0.5), y = RefMath.f32(Shape.of(2, 2), 10, 20, 1, NAN), z = RefMath.f32(Shape.of(2, 2), 100, 200, -INF, 1);
        c.add(OpCase.forward("add_n").input(x).input(y).input(z).expectValues(Shape.of(2, 2), 111, 218, NAN, NAN));
        c.add(OpCase.forward("ElementWiseSum").label("one input").input(x).expectValues(Shape.of(2, 2), 1, -2, INF, 0.5));
        c.add(OpCase.forward("add_n").label("int64").input(HostArray.of(Shape.of(3), DType.INT64, 1, 2, 3)).input(HostArray.of(Shape.of(3), DType.INT64, -5, 0, 1L << 40))
                .expect(HostArray.of(Shape.of(3), DType.INT64, -4, 2, 3 + (1L << 40))));
        c.add(OpCase.error("add_n").randomInput(2, 2).randomInput(2, 3).fails(ShapeException.class, "shape"));
        c.add(OpCase.forward("add_n").label("grad").randomInput(2, 3).randomInput(2, 3).randomInput(2, 3).gradCheck());
    }
}
