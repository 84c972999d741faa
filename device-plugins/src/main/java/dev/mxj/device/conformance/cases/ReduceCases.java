package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Cases of the reductions: each operator over a table of axis settings (None, int, negative,
 * tuple, keepdims, exclude, ()), expected values from a plain multi-index reduction written
 * here, NaN and integer inputs, an accuracy case (a long float32 sum), axis errors, and
 * gradient checks over several axis settings; argmax/argmin with ties and NaN.
 */
public final class ReduceCases {
    private ReduceCases() {}

    private static final double NAN = Double.NaN;

    /** A reduction: its name, fold and initial value, and a divisor rule (mean). */
    private record R(String op, double init, RefMath.Fold fold, boolean mean, double lo, double hi) {}

    private static final List<R> TABLE = List.of(
            new R("sum", 0, Double::sum, false, -1, 1),
            new R("mean", 0, Double::sum, true, -1, 1),
            new R("prod", 1, (a, x) -> a * x, false, 0.5, 1.5),
            new R("nansum", 0, (a, x) -> Double.isNaN(x) ? a : a + x, false, -1, 1),
            new R("nanprod", 1, (a, x) -> Double.isNaN(x) ? a : a * x, false, 0.5, 1.5),
            new R("max", Double.NEGATIVE_INFINITY, (a, x) -> Double.isNaN(a) || Double.isNaN(x) ? NAN : Math.max(a, x), false, -1, 1),
            new R("min", Double.POSITIVE_INFINITY, (a, x) -> Double.isNaN(a) || Double.isNaN(x) ? NAN : Math.min(a, x), false, -1, 1));

    /** An axis setting on a (2, 3, 4) input: parameters, reduced axes, expected output shape. */
    private record Axes(Map<String, Object> params, boolean[] reduced, Shape out) {}

    private static Axes ax(Map<String, Object> p, boolean a0, boolean a1, boolean a2, long... out) {
        return new Axes(p, new boolean[] {a0, a1, a2}, Shape.of(out));
    }

    private static final List<Axes> AXES = List.of(
            ax(Map.of(), true, true, true, 1),
            ax(Map.of("axis", "()"), true, true, true, 1),
            ax(Map.of("axis", 1), false, true, false, 2, 4),
            ax(Map.of("axis", -1), false, false, true, 2, 3),
            ax(Map.of("axis", "(0, 2)", "keepdims", true), true, false, true, 1, 3, 1),
            ax(Map.of("axis", "(0, 1)"), true, true, false, 4),
            ax(Map.of("axis", 1, "exclude", true), true, false, true, 3),
            ax(Map.of("axis", "(0, 1, 2)", "keepdims", true), true, true, true, 1, 1, 1));

    private static final Shape S = Shape.of(2, 3, 4);

    /** Distinct values of both signs, one zero. */
    private static double[] values() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) v[i] = ((i * 7) % 24 - 11) * 0.5;
        return v;
    }

    public static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        HostArray x = HostArray.f32(S, values());
        double[] withNan = values();
        withNan[3] = NAN;
        withNan[17] = NAN;
        HostArray xn = HostArray.f32(S, withNan);
        for (R r : TABLE) {
            for (Axes a : AXES) {
                c.add(OpCase.forward(r.op).label("values").params(a.params).input(x).expect(HostArray.of(a.out, DType.FLOAT32, expected(r, x, a))).tol(1e-5, 1e-5));
            }
            Axes a1 = AXES.get(2);
            c.add(OpCase.forward(r.op).label("NaN").params(a1.params).input(xn).expect(HostArray.of(a1.out, DType.FLOAT32, expected(r, xn, a1))).tol(1e-5, 1e-5));
            HostArray x64 = x.astype(DType.FLOAT64);
            Axes a4 = AXES.get(4);
            c.add(OpCase.forward(r.op).label("float64").params(a4.params).input(x64).expect(HostArray.of(a4.out, DType.FLOAT64, expected(r, x64, a4))).tol(1e-12, 0));
            HostArray xi = HostArray.of(Shape.of(2, 3), DType.INT32, 3, -4, 7, 1, 2, 2);
            Axes ai = new Axes(Map.of("axis", 1), new boolean[] {false, true}, Shape.of(2));
            c.add(OpCase.forward(r.op).label("int32").params(ai.params).input(xi).expect(RefMath.map(HostArray.of(ai.out, DType.FLOAT64, expected(r, xi, ai)), DType.INT32, v -> v)));

            c.add(OpCase.error(r.op).param("axis", 3).randomInput(2, 3, 4).fails(ShapeException.class, "axis"));
            c.add(OpCase.error(r.op).label("duplicate").param("axis", "(1, -2)").randomInput(2, 3, 4).fails(ShapeException.class, "duplicates"));
            for (Map<String, Object> p : List.<Map<String, Object>>of(Map.of(), Map.of("axis", "(0, 2)"), Map.of("axis", 1, "keepdims", true), Map.of("axis", 2, "exclude", true))) {
                c.add(OpCase.forward(r.op).label("grad").params(p).randomInput(S, DType.FLOAT32, r.lo, r.hi).gradCheck());
            }
            secondOrder(c, r);
        }
        c.add(OpCase.forward("sum_axis").label("alias").param("axis", 0).input(Shape.of(2, 2), 1, 2, 3, 4).expectValues(Shape.of(2), 4, 6));
        c.add(OpCase.error("max").label("empty").input(HostArray.of(Shape.of(0, 3), DType.FLOAT32)).fails(ShapeException.class, "size"));
        // a long float32 sum: naive float32 accumulation is off by ~1e-3 here
        int n = 200_000;
        double tenth = (float) 0.1;
        double[] big = new double[n];
        Arrays.fill(big, tenth);
        c.add(OpCase.forward("sum").label("accuracy").input(HostArray.of(Shape.of(n), DType.FLOAT32, big)).expectValues(Shape.of(1), n * tenth).tol(1e-7, 0));
        c.add(OpCase.forward("mean").label("accuracy").input(HostArray.of(Shape.of(n / 4, 4), DType.FLOAT32, big)).param("axis", 0)
                .expectValues(Shape.of(4), tenth, tenth, tenth, tenth).tol(1e-7, 0));
        norm(c, x);
        arg(c);
        return c;
    }

    /**
     * Gradient checks of {@code _backward_X} itself (what create_graph differentiates) on (ograd,
     * data[, output]); output is the true reduction of data, so max and min have their ties.
     */
    private static void secondOrder(List<OpCase> c, R r) {
        boolean readsOutput = !List.of("sum", "mean", "nansum").contains(r.op);
        long seed = 40;
        for (Axes a : List.of(AXES.get(2), AXES.get(4))) {
            HostArray x = NnReference.uniform(seed++, r.lo, r.hi, 2, 3, 4);
            OpCase k = OpCase.forward("_backward_" + r.op).label("second order").params(a.params).randomInput(a.out, DType.FLOAT32, -1, 1).input(x);
            if (readsOutput) k.input(HostArray.of(a.out, DType.FLOAT32, expected(r, x, a)));
            c.add(k.gradCheck());
        }
    }

    private static double[] expected(R r, HostArray x, Axes a) {
        double[] v = RefMath.reduce(x, a.reduced, r.init, r.fold);
        if (r.mean) {
            long count = x.shape().size() / v.length;
            for (int i = 0; i < v.length; i++) v[i] /= count;
        }
        return v;
    }

    private static void norm(List<OpCase> c, HostArray x) {
        Axes all = AXES.get(0), a1 = AXES.get(2), a4 = AXES.get(4);
        c.add(OpCase.forward("norm").input(x).expect(HostArray.of(all.out, DType.FLOAT32, sqrtOf(RefMath.reduce(x, all.reduced, 0, (s, v) -> s + v * v)))).tol(1e-6, 0));
        c.add(OpCase.forward("norm").label("ord 1").param("ord", 1).params(a1.params).input(x)
                .expect(HostArray.of(a1.out, DType.FLOAT32, RefMath.reduce(x, a1.reduced, 0, (s, v) -> s + Math.abs(v)))).tol(1e-6, 0));
        c.add(OpCase.forward("norm").label("out_dtype").params(a4.params).param("out_dtype", "float64").input(x)
                .expect(HostArray.of(a4.out, DType.FLOAT64, sqrtOf(RefMath.reduce(x, a4.reduced, 0, (s, v) -> s + v * v)))).tol(1e-12, 0));
        c.add(OpCase.error("norm").param("ord", 3).randomInput(2, 3).fails(ParameterException.class, "ord"));
        c.add(OpCase.error("norm").label("axis").param("axis", 5).randomInput(2, 3).fails(ShapeException.class, "axis"));
        c.add(OpCase.forward("norm").label("grad").randomInput(2, 3, 4).gradCheck());
        c.add(OpCase.forward("norm").label("grad axis").param("axis", "(0, 2)").param("keepdims", true).randomInput(2, 3, 4).gradCheck());
        c.add(OpCase.forward("norm").label("grad ord 1").param("ord", 1).param("axis", 1).input(Shape.of(2, 3), -1.5, 0.4, 2, -0.7, 1.1, -0.2).gradCheck());
        // _backward_norm differentiated (create_graph) on (ograd, data, norm)
        c.add(OpCase.forward("_backward_norm").label("second order").randomInput(1).randomInput(2, 3, 4)
                .randomInput(Shape.of(1), DType.FLOAT32, 0.5, 2).gradCheck());
        c.add(OpCase.forward("_backward_norm").label("second order axis").param("axis", "(0, 2)").param("keepdims", true).randomInput(1, 3, 1)
                .randomInput(2, 3, 4).randomInput(Shape.of(1, 3, 1), DType.FLOAT32, 0.5, 2).gradCheck());
        c.add(OpCase.forward("_backward_norm").label("second order ord 1").param("ord", 1).param("axis", 1).randomInput(2)
                .input(Shape.of(2, 3), -1.5, 0.4, 2, -0.7, 1.1, -0.2).randomInput(Shape.of(2), DType.FLOAT32, 0.5, 2).gradCheck());
        c.add(OpCase.forward("_backward_norm").label("second order out_dtype").param("axis", 1).param("out_dtype", "float64")
                .input(HostArray.of(Shape.of(2), DType.FLOAT64, 0.3, -0.8)).randomInput(2, 3).input(HostArray.of(Shape.of(2), DType.FLOAT64, 1.2, 0.7)).gradCheck());
    }

    private static double[] sqrtOf(double[] v) {
        for (int i = 0; i < v.length; i++) v[i] = Math.sqrt(v[i]);
        return v;
    }

    private static void arg(List<OpCase> c) {
        HostArray t = HostArray.f32(Shape.of(2, 3), 1, 5, 5, 7, -1, 7);
        c.add(OpCase.forward("argmax").param("axis", 1).input(t).expect(HostArray.of(Shape.of(2), DType.FLOAT32, 1, 0)));
        c.add(OpCase.forward("argmax").label("flattened").input(t).expect(HostArray.of(Shape.of(1), DType.FLOAT32, 3)));
        c.add(OpCase.forward("argmax").label("keepdims").param("axis", 0).param("keepdims", true).input(t).expect(HostArray.of(Shape.of(1, 3), DType.FLOAT32, 1, 0, 1)));
        c.add(OpCase.forward("argmax").label("NaN").input(Shape.of(4), 1, NAN, 3, NAN).expectValues(Shape.of(1), 1));
        c.add(OpCase.forward("argmax").label("int32").param("axis", -1).input(HostArray.of(Shape.of(2, 2), DType.INT32, 4, 9, 8, -1))
                .expect(HostArray.of(Shape.of(2), DType.INT32, 1, 0)));
        c.add(OpCase.forward("argmin").param("axis", 1).input(t).expect(HostArray.of(Shape.of(2), DType.FLOAT32, 0, 1)));
        c.add(OpCase.forward("argmin").label("flattened").input(t).expect(HostArray.of(Shape.of(1), DType.FLOAT32, 4)));
        c.add(OpCase.forward("argmin").label("float64 axis 0").param("axis", 0).input(t.astype(DType.FLOAT64)).expect(HostArray.of(Shape.of(3), DType.FLOAT64, 0, 1, 0)));
        for (String op : List.of("argmax", "argmin")) {
            c.add(OpCase.error(op).param("axis", 2).randomInput(2, 3).fails(ShapeException.class, "axis"));
            c.add(OpCase.error(op).label("tuple axis").param("axis", "(0, 1)").randomInput(2, 3).fails(ParameterException.class, "axis"));
        }
    }
}
