package dev.mxj.op.defs;

import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.Resource;
import dev.mxj.op.ShapeFn;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.defs.SecondOrder.Expr;
import dev.mxj.op.defs.SecondOrder.SecondDerivative;
import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binary element-wise operators in MXNet 1.9's three forms, generated from one table:
 * same-shape ({@code elemwise_add}, {@code _mod}, {@code _equal}, ...), NumPy-style broadcast
 * ({@code broadcast_add}, ...) and with a scalar ({@code _plus_scalar}, {@code _rminus_scalar},
 * ...), plus {@code add_n}. Comparison and logical operators return 0/1 in the input dtype,
 * as MXNet 1.x does.
 *
 * <p>Gradients: a differentiable pair has a fused backward {@code _backward_X(ograd, lhs, rhs)}
 * with two outputs (lhs and rhs gradients); for broadcast operators it also sums over the
 * broadcast axes, which is why it takes lhs and rhs (their shapes) even for add and sub.
 * The fused backward ops are differentiable too (create_graph), from a table of first and
 * second partial derivatives; MXNet 1.9 declares no gradient for them.
 */
public final class ElementwiseBinaryOps {
    private ElementwiseBinaryOps() {}

    /** Gradient of the tensor-tensor forms. */
    enum Grad {
        /** Comparisons and logic: zero. */
        ZERO,
        /** (ograd, ograd). */
        ADD,
        /** (ograd, -ograd). */
        SUB,
        /** Fused backward operator. */
        FUSED
    }

    /** Gradient of a scalar form. */
    enum SGrad {
        ZERO,
        /** _copy(ograd). */
        COPY,
        /** negative(ograd). */
        NEGATE,
        /** The operator itself applied to ograd with the same scalar (mul, div). */
        SELF,
        /** {@code _backward_X(ograd, data)}. */
        IN,
        /** {@code _backward_X(ograd, output)}. */
        OUT
    }

    /** A scalar form; {@code d2} differentiates its fused backward (IN and OUT forms). */
    private record Scalar(String name, String alias, SGrad grad, String doc, SecondDerivative d2) {}

    /** A partial derivative of f(l, r) times w, or (as a table entry) null where it is zero. */
    @FunctionalInterface
    private interface Term {
        NodeEntry times(Expr e, NodeEntry w, NodeEntry l, NodeEntry r);
    }

    /**
     * The first partials of f(l, r) (what the fused backward computes) and the second ones
     * (ll, lr, rr), which make the fused backward differentiable.
     */
    private record Partials(Term l, Term r, Term ll, Term lr, Term rr) {}

    private record B(String elem, List<String> elemAliases, String bcast, List<String> bcastAliases, Grad grad, Partials d, String doc, List<Scalar> scalars) {}

    private static B b(String elem, List<String> elemAliases, String bcast, List<String> bcastAliases, Grad grad, Partials d, String doc, Scalar... scalars) {
        return new B(elem, elemAliases, bcast, bcastAliases, grad, d, doc, List.of(scalars));
    }

    private static Scalar s(String name, String alias, SGrad grad, String doc) { return new Scalar(name, alias, grad, doc, null); }

    private static Scalar s(String name, String alias, SGrad grad, String doc, SecondDerivative d2) { return new Scalar(name, alias, grad, doc, d2); }

    /** w itself (a partial equal to 1). */
    private static final Term W = (e, w, l, r) -> w;

    /** w * f'' of the hypotenuse family: w * a * b / hypot(l, r)^3. */
    private static NodeEntry overHypotCubed(Expr e, NodeEntry w, NodeEntry a, NodeEntry b, NodeEntry l, NodeEntry r) {
        return e.div(e.mul(w, e.mul(a, b)), e.pow(e.bin("hypot", l, r), 3));
    }

    /** l ** (r + k), the power family's recurring factor. */
    private static NodeEntry powShifted(Expr e, NodeEntry l, NodeEntry r, double k) { return e.bin("power", l, k == 0 ? r : e.plus(r, k)); }

    private static final Partials ADD = new Partials(W, W, null, null, null);
    private static final Partials SUB = new Partials(W, (e, w, l, r) -> e.scale(w, -1), null, null, null);
    private static final Partials MUL = new Partials((e, w, l, r) -> e.mul(w, r), (e, w, l, r) -> e.mul(w, l), null, W, null);
    private static final Partials DIV = new Partials(
            (e, w, l, r) -> e.div(w, r),
            (e, w, l, r) -> e.scale(e.div(e.mul(w, l), e.fn("square", r)), -1),
            null,
            (e, w, l, r) -> e.scale(e.div(w, e.fn("square", r)), -1),
            (e, w, l, r) -> e.scale(e.div(e.mul(w, l), e.pow(r, 3)), 2));
    /** d/dr of l - floor(l/r) * r is -floor(l/r); floor is piecewise constant, so no second partials. */
    private static final Partials MOD = new Partials(W, (e, w, l, r) -> e.scale(e.mul(w, e.fn("floor", e.div(l, r))), -1), null, null, null);
    private static final Partials POWER = new Partials(
            (e, w, l, r) -> e.mul(e.mul(w, r), powShifted(e, l, r, -1)),
            (e, w, l, r) -> e.mul(e.mul(w, powShifted(e, l, r, 0)), e.fn("log", l)),
            (e, w, l, r) -> e.mul(e.mul(w, e.mul(r, e.plus(r, -1))), powShifted(e, l, r, -2)),
            (e, w, l, r) -> e.mul(e.mul(w, powShifted(e, l, r, -1)), e.plus(e.mul(r, e.fn("log", l)), 1)),
            (e, w, l, r) -> e.mul(e.mul(w, powShifted(e, l, r, 0)), e.fn("square", e.fn("log", l))));
    /** As the kernels: ties send the gradient to lhs. */
    private static final Partials MAXIMUM = new Partials((e, w, l, r) -> e.mul(w, e.bin("greater_equal", l, r)),
            (e, w, l, r) -> e.mul(w, e.bin("lesser", l, r)), null, null, null);
    private static final Partials MINIMUM = new Partials((e, w, l, r) -> e.mul(w, e.bin("lesser_equal", l, r)),
            (e, w, l, r) -> e.mul(w, e.bin("greater", l, r)), null, null, null);
    private static final Partials HYPOT = new Partials(
            (e, w, l, r) -> e.div(e.mul(w, l), e.bin("hypot", l, r)),
            (e, w, l, r) -> e.div(e.mul(w, r), e.bin("hypot", l, r)),
            (e, w, l, r) -> overHypotCubed(e, w, r, r, l, r),
            (e, w, l, r) -> e.scale(overHypotCubed(e, w, l, r, l, r), -1),
            (e, w, l, r) -> overHypotCubed(e, w, l, l, l, r));

    /** d/dx of scalar / x is -scalar / x^2. */
    private static final SecondDerivative RDIV = (e, v) -> e.scale(e.pow(v, -3), 2 * e.attr("scalar"));
    /** d/dx of x^s is s x^(s-1); zero for s in {0, 1}, where x^(s-2) could be infinite. */
    private static final SecondDerivative POWER_SCALAR = (e, v) -> {
        double p = e.attr("scalar");
        return p * (p - 1) == 0 ? null : e.scale(e.pow(v, p - 2), p * (p - 1));
    };
    /** The backward reads y = s^x and computes ograd * y * ln s: linear in y. */
    private static final SecondDerivative RPOWER = (e, v) -> e.constant(v, Math.log(e.attr("scalar")));
    /** d/dx of x / hypot(x, s) is s^2 / hypot(x, s)^3. */
    private static final SecondDerivative HYPOT_SCALAR = (e, v) -> {
        double p = e.attr("scalar");
        return e.scale(e.pow(e.withScalar("_hypot_scalar", v, p), -3), p * p);
    };

    private static final List<B> TABLE = List.of(
            b("elemwise_add", List.of("_add", "_plus", "_Plus"), "broadcast_add", List.of("broadcast_plus"), Grad.ADD, ADD, "lhs + rhs",
                    s("_plus_scalar", "_PlusScalar", SGrad.COPY, "data + scalar")),
            b("elemwise_sub", List.of("_sub", "_minus", "_Minus"), "broadcast_sub", List.of("broadcast_minus"), Grad.SUB, SUB, "lhs - rhs",
                    s("_minus_scalar", "_MinusScalar", SGrad.COPY, "data - scalar"), s("_rminus_scalar", "_RMinusScalar", SGrad.NEGATE, "scalar - data")),
            b("elemwise_mul", List.of("_mul", "_Mul"), "broadcast_mul", List.of(), Grad.FUSED, MUL, "lhs * rhs",
                    s("_mul_scalar", "_MulScalar", SGrad.SELF, "data * scalar")),
            b("elemwise_div", List.of("_div", "_Div"), "broadcast_div", List.of(), Grad.FUSED, DIV, "lhs / rhs",
                    s("_div_scalar", "_DivScalar", SGrad.SELF, "data / scalar"), s("_rdiv_scalar", "_RDivScalar", SGrad.IN, "scalar / data", RDIV)),
            b("_mod", List.of("_Mod"), "broadcast_mod", List.of(), Grad.FUSED, MOD, "lhs modulo rhs with the sign of rhs (Python's %); 0 where rhs is 0",
                    s("_mod_scalar", "_ModScalar", SGrad.COPY, "data modulo scalar (sign of scalar)"), s("_rmod_scalar", "_RModScalar", SGrad.IN, "scalar modulo data (sign of data)", SecondOrder.ZERO)),
            b("_power", List.of("_Power"), "broadcast_power", List.of(), Grad.FUSED, POWER, "lhs raised to the power rhs",
                    s("_power_scalar", "_PowerScalar", SGrad.IN, "data ** scalar", POWER_SCALAR), s("_rpower_scalar", "_RPowerScalar", SGrad.OUT, "scalar ** data", RPOWER)),
            b("_maximum", List.of("_Maximum"), "broadcast_maximum", List.of(), Grad.FUSED, MAXIMUM, "maximum of lhs and rhs; NaN wins",
                    s("_maximum_scalar", "_MaximumScalar", SGrad.IN, "max(data, scalar)", SecondOrder.ZERO)),
            b("_minimum", List.of("_Minimum"), "broadcast_minimum", List.of(), Grad.FUSED, MINIMUM, "minimum of lhs and rhs; NaN wins",
                    s("_minimum_scalar", "_MinimumScalar", SGrad.IN, "min(data, scalar)", SecondOrder.ZERO)),
            b("_hypot", List.of("_Hypot"), "broadcast_hypot", List.of(), Grad.FUSED, HYPOT, "sqrt(lhs^2 + rhs^2) without undue overflow",
                    s("_hypot_scalar", "_HypotScalar", SGrad.IN, "hypot(data, scalar)", HYPOT_SCALAR)),
            b("_equal", List.of("_Equal"), "broadcast_equal", List.of(), Grad.ZERO, null, "1 where lhs == rhs, else 0",
                    s("_equal_scalar", "_EqualScalar", SGrad.ZERO, "data == scalar")),
            b("_not_equal", List.of("_Not_Equal"), "broadcast_not_equal", List.of(), Grad.ZERO, null, "1 where lhs != rhs, else 0",
                    s("_not_equal_scalar", "_NotEqualScalar", SGrad.ZERO, "data != scalar")),
            b("_greater", List.of("_Greater"), "broadcast_greater", List.of(), Grad.ZERO, null, "1 where lhs > rhs, else 0",
                    s("_greater_scalar", "_GreaterScalar", SGrad.ZERO, "data > scalar")),
            b("_greater_equal", List.of("_Greater_Equal"), "broadcast_greater_equal", List.of(), Grad.ZERO, null, "1 where lhs >= rhs, else 0",
                    s("_greater_equal_scalar", "_GreaterEqualScalar", SGrad.ZERO, "data >= scalar")),
            b("_lesser", List.of("_Lesser"), "broadcast_lesser", List.of(), Grad.ZERO, null, "1 where lhs < rhs, else 0",
                    s("_lesser_scalar", "_LesserScalar", SGrad.ZERO, "data < scalar")),
            b("_lesser_equal", List.of("_Lesser_Equal"), "broadcast_lesser_equal", List.of(), Grad.ZERO, null, "1 where lhs <= rhs, else 0",
                    s("_lesser_equal_scalar", "_LesserEqualScalar", SGrad.ZERO, "data <= scalar")),
            b("_logical_and", List.of("_Logical_And"), "broadcast_logical_and", List.of(), Grad.ZERO, null, "1 where both are non-zero, else 0",
                    s("_logical_and_scalar", "_LogicalAndScalar", SGrad.ZERO, "data && scalar")),
            b("_logical_or", List.of("_Logical_Or"), "broadcast_logical_or", List.of(), Grad.ZERO, null, "1 where either is non-zero, else 0",
                    s("_logical_or_scalar", "_LogicalOrScalar", SGrad.ZERO, "data || scalar")),
            b("_logical_xor", List.of("_Logical_Xor"), "broadcast_logical_xor", List.of(), Grad.ZERO, null, "1 where exactly one is non-zero, else 0",
                    s("_logical_xor_scalar", "_LogicalXorScalar", SGrad.ZERO, "data xor scalar")));

    public static void register(OpRegistry r) {
        for (B b : TABLE) {
            registerPair(r, b.elem, b.elemAliases, b.grad, b.d, "Element-wise " + b.doc + "; both inputs must have the same shape.", "elemwise", ShapeRules.SAME);
            registerPair(r, b.bcast, b.bcastAliases, b.grad, b.d, "Element-wise " + b.doc + " with NumPy-style broadcasting "
                    + "(shapes aligned on the right; a dimension of 1 stretches).", "broadcast", MathRules.BROADCAST);
            for (Scalar s : b.scalars) registerScalar(r, s, b);
        }
        registerAddN(r);
    }

    private static void registerPair(OpRegistry r, String name, List<String> aliases, Grad grad, Partials d, String doc, String family, ShapeFn shape) {
        OpDef.Builder op = OpDef.builder(name).alias(aliases.toArray(String[]::new)).family(family).doc(doc)
                .inputs("lhs", "rhs").inferShape(shape).inferType(MathRules.SAME_NUMERIC)
                .inplace(a -> List.of(new OpDef.InplacePair(0, 0), new OpDef.InplacePair(1, 0)));
        boolean broadcast = family.equals("broadcast");
        String backward = "_backward_" + (name.startsWith("_") ? name.substring(1) : name.replace("elemwise_", ""));
        if (grad == Grad.ZERO) {
            op.zeroGradient();
        } else if (!broadcast && grad == Grad.ADD) {
            op.gradient(g -> List.of(g.op("_copy", g.outGrad(0)), g.op("_copy", g.outGrad(0))));
        } else if (!broadcast && grad == Grad.SUB) {
            op.gradient(g -> List.of(g.op("_copy", g.outGrad(0)), g.op("negative", g.outGrad(0))));
        } else {
            op.gradient(fusedBackward(backward));
        }
        op.register(r);
        if (grad == Grad.FUSED || broadcast && grad != Grad.ZERO) {
            OpDef.Builder bw = OpDef.builder(backward).family(family).backwardOf(name)
                    .doc("Gradient of " + name + ": (lhs gradient, rhs gradient) from (ograd, lhs, rhs)"
                            + (broadcast ? ", summed over the broadcast axes." : "."))
                    .inputs("ograd", "lhs", "rhs").outputs("lhs_grad", "rhs_grad")
                    .inferShape(MathRules.BINARY_BACKWARD).inferType(MathRules.BINARY_BACKWARD_TYPE);
            if (broadcast) bw.resources(Resource.TEMP_SPACE); // the full-size gradient before summing over broadcast axes
            bw.gradient(backwardGradient(d, broadcast)).register(r);
        }
    }

    /**
     * Gradient of a fused backward {@code (og, l, r) -> (og * f_l, og * f_r)} (summed to the
     * input shapes when broadcasting) under head gradients (g0, g1): og gets g0 f_l + g1 f_r,
     * l gets og (g0 f_ll + g1 f_lr) and r gets og (g0 f_lr + g1 f_rr), the last two summed back
     * to the input shapes by {@code _backward_broadcast_add}, itself differentiable.
     */
    private static Gradient backwardGradient(Partials d, boolean broadcast) {
        return g -> {
            Expr e = new Expr(g, broadcast);
            NodeEntry og = g.input(0), l = g.input(1), r = g.input(2), g0 = g.outGrad(0), g1 = g.outGrad(1);
            NodeEntry dOg = e.bin("add", d.l.times(e, g0, l, r), d.r.times(e, g1, l, r));
            NodeEntry dl = secondPartials(e, og, d.ll, d.lr, g0, g1, l, r), dr = secondPartials(e, og, d.lr, d.rr, g0, g1, l, r);
            if (broadcast && dl != null) dl = g.node("_backward_broadcast_add", Map.of(), dl, l, r).output(0);
            if (broadcast && dr != null) dr = g.node("_backward_broadcast_add", Map.of(), dr, l, r).output(1);
            return List.of(dOg, dl == null ? g.zerosLike(l) : dl, dr == null ? g.zerosLike(r) : dr);
        };
    }

    /** og * (g0 * a + g1 * b) at the output shape, or null when both second partials are zero. */
    private static NodeEntry secondPartials(Expr e, NodeEntry og, Term a, Term b, NodeEntry g0, NodeEntry g1, NodeEntry l, NodeEntry r) {
        NodeEntry ta = a == null ? null : a.times(e, g0, l, r), tb = b == null ? null : b.times(e, g1, l, r);
        NodeEntry t = ta == null ? tb : tb == null ? ta : e.bin("add", ta, tb);
        return t == null ? null : e.mul(og, t);
    }

    private static Gradient fusedBackward(String backward) {
        return g -> {
            var n = g.node(backward, Map.of(), g.outGrad(0), g.input(0), g.input(1));
            return List.of(n.output(0), n.output(1));
        };
    }

    private static void registerScalar(OpRegistry r, Scalar s, B b) {
        OpDef.Builder op = withScalarParams(OpDef.builder(s.name)).alias(s.alias).family("scalar")
                .doc("Element-wise " + s.doc + (b.grad == Grad.ZERO ? " as 0/1 in the output dtype." : ".")
                        + " An integer input keeps its dtype (the scalar truncated) unless is_int=False, which computes in float64.")
                .inputs("data").inferShape(ShapeRules.SAME).inferType(MathRules.SCALAR_TYPE).inplace(0, 0);
        String backward = "_backward" + s.name;
        switch (s.grad) {
            case ZERO -> op.zeroGradient();
            case COPY -> op.gradient(g -> List.of(g.op("_copy", g.outGrad(0))));
            case NEGATE -> op.gradient(g -> List.of(g.op("negative", g.outGrad(0))));
            case SELF -> op.gradient(g -> List.of(g.op(s.name, g.attrs().givenAsStrings(), g.outGrad(0))));
            case IN -> op.gradient(g -> List.of(g.op(backward, g.attrs().givenAsStrings(), g.outGrad(0), g.input(0))));
            case OUT -> op.gradient(g -> List.of(g.op(backward, g.attrs().givenAsStrings(), g.outGrad(0), g.output(0))));
        }
        op.register(r);
        if (s.grad == SGrad.IN || s.grad == SGrad.OUT) {
            withScalarParams(OpDef.builder(backward)).family("scalar").backwardOf(s.name).gradient(SecondOrder.ofUnaryBackward(backward, s.d2))
                    .doc("Gradient of " + s.name + ": ograd times the derivative, from the forward " + (s.grad == SGrad.IN ? "input." : "output."))
                    .inputs("ograd", s.grad == SGrad.IN ? "data" : "output")
                    .inferShape(ShapeRules.SAME).inferType(MathRules.SAME_NUMERIC).inplace(0, 0)
                    .register(r);
        }
    }

    private static OpDef.Builder withScalarParams(OpDef.Builder b) {
        return b.param(Param.floatParam("scalar").defaultValue(1.0).doc("Scalar input value."))
                .param(Param.boolParam("is_int").defaultValue(true).doc("Whether the scalar is an integer; an integer input with is_int=False computes in float64."));
    }

    private static void registerAddN(OpRegistry r) {
        OpDef.builder("add_n").alias("ElementWiseSum").family("elemwise")
                .doc("Adds all inputs element-wise: add_n(a1, ..., an) = a1 + ... + an; every input has the same shape and dtype.")
                .param(Param.intParam("num_args").required().min(1).doc("Number of inputs to be summed."))
                .variadicInputs("num_args")
                .inferShape(ShapeRules.SAME).inferType(MathRules.SAME_NUMERIC).inplace(0, 0)
                .gradient(ElementwiseBinaryOps::addNGradient)
                .register(r);
    }

    private static List<NodeEntry> addNGradient(GradContext g) {
        List<NodeEntry> l = new ArrayList<>();
        for (int i = 0; i < g.numInputs(); i++) l.add(g.op("_copy", g.outGrad(0)));
        return l;
    }
}
