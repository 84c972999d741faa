package dev.mxj.op.defs;

import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.ShapeRules;
import dev.mxj.op.TypeRules;
import dev.mxj.op.defs.SecondOrder.SecondDerivative;

import java.util.List;

/**
 * Unary element-wise operators (MXNet 1.9 elemwise_unary_op_*.cc): one table row per operator
 * with its gradient kind. Every operator keeps shape and dtype, accepts every dtype but bool
 * (integers are computed in floating point and truncated, as MXNet's kernels do) and may run
 * in place.
 *
 * <p>Gradients follow MXNet: a differentiable op X has a fused {@code _backward_X(ograd, v)}
 * computing {@code ograd * X'} from its input ({@link Grad#IN}) or its output
 * ({@link Grad#OUT}), one pass instead of a chain of element-wise nodes.
 */
public final class ElementwiseUnaryOps {
    private ElementwiseUnaryOps() {}

    /** How the gradient is formed. */
    enum Grad {
        /** Piecewise constant: zero gradient. */
        ZERO,
        /** {@code _backward_X(ograd, data)}. */
        IN,
        /** {@code _backward_X(ograd, output)}. */
        OUT
    }

    private record U(String name, Grad grad, String doc, SecondDerivative d2) {
        U(String name, Grad grad, String doc) { this(name, grad, doc, null); }
    }

    private static final List<U> TABLE = List.of(
            new U("abs", Grad.IN, "Absolute value, element-wise: |x|.",
                    SecondOrder.ZERO),
            new U("sign", Grad.ZERO, "Sign, element-wise: -1, 0 or 1 (0 for NaN)."),
            new U("reciprocal", Grad.IN, "Reciprocal, element-wise: 1/x.",
                    (e, v) -> e.scale(e.pow(v, -3), 2)),
            new U("square", Grad.IN, "Square, element-wise: x*x.",
                    (e, v) -> e.constant(v, 2)),
            new U("sqrt", Grad.OUT, "Square root, element-wise.",
                    (e, v) -> e.scale(e.pow(v, -2), -0.5)),
            new U("rsqrt", Grad.IN, "Reciprocal square root, element-wise: 1/sqrt(x).",
                    (e, v) -> e.scale(e.pow(v, -2.5), 0.75)),
            new U("cbrt", Grad.OUT, "Cube root, element-wise.",
                    (e, v) -> e.scale(e.pow(v, -3), -2.0 / 3)),
            new U("rcbrt", Grad.IN, "Reciprocal cube root, element-wise: 1/cbrt(x).",
                    (e, v) -> e.scale(e.pow(v, -7.0 / 3), 4.0 / 9)),
            new U("expm1", Grad.IN, "exp(x) - 1, element-wise, accurate near 0.",
                    (e, v) -> e.fn("exp", v)),
            new U("log", Grad.IN, "Natural logarithm, element-wise.",
                    (e, v) -> e.scale(e.pow(v, -2), -1)),
            new U("log1p", Grad.IN, "log(1 + x), element-wise, accurate near 0.",
                    (e, v) -> e.scale(e.pow(e.plus(v, 1), -2), -1)),
            new U("log2", Grad.IN, "Base-2 logarithm, element-wise.",
                    (e, v) -> e.scale(e.pow(v, -2), -1 / Math.log(2))),
            new U("log10", Grad.IN, "Base-10 logarithm, element-wise.",
                    (e, v) -> e.scale(e.pow(v, -2), -1 / Math.log(10))),
            new U("sin", Grad.IN, "Sine of radians, element-wise.",
                    (e, v) -> e.scale(e.fn("sin", v), -1)),
            new U("cos", Grad.IN, "Cosine of radians, element-wise.",
                    (e, v) -> e.scale(e.fn("cos", v), -1)),
            new U("tan", Grad.OUT, "Tangent of radians, element-wise.",
                    (e, v) -> e.scale(v, 2)),
            new U("arcsin", Grad.IN, "Inverse sine in [-pi/2, pi/2], element-wise; NaN outside [-1, 1].",
                    (e, v) -> e.mul(v, e.pow(e.rminus(e.fn("square", v), 1), -1.5))),
            new U("arccos", Grad.IN, "Inverse cosine in [0, pi], element-wise; NaN outside [-1, 1].",
                    (e, v) -> e.scale(e.mul(v, e.pow(e.rminus(e.fn("square", v), 1), -1.5)), -1)),
            new U("arctan", Grad.IN, "Inverse tangent in (-pi/2, pi/2), element-wise.",
                    (e, v) -> e.scale(e.mul(v, e.pow(e.plus(e.fn("square", v), 1), -2)), -2)),
            new U("sinh", Grad.IN, "Hyperbolic sine, element-wise.",
                    (e, v) -> e.fn("sinh", v)),
            new U("cosh", Grad.IN, "Hyperbolic cosine, element-wise.",
                    (e, v) -> e.fn("cosh", v)),
            new U("tanh", Grad.OUT, "Hyperbolic tangent, element-wise.",
                    (e, v) -> e.scale(v, -2)),
            new U("arcsinh", Grad.IN, "Inverse hyperbolic sine, element-wise.",
                    (e, v) -> e.scale(e.mul(v, e.pow(e.plus(e.fn("square", v), 1), -1.5)), -1)),
            new U("arccosh", Grad.IN, "Inverse hyperbolic cosine, element-wise; NaN below 1.",
                    (e, v) -> e.scale(e.mul(v, e.pow(e.plus(e.fn("square", v), -1), -1.5)), -1)),
            new U("arctanh", Grad.IN, "Inverse hyperbolic tangent, element-wise; NaN outside [-1, 1].",
                    (e, v) -> e.scale(e.mul(v, e.pow(e.rminus(e.fn("square", v), 1), -2)), 2)),
            new U("degrees", Grad.IN, "Radians to degrees, element-wise.",
                    SecondOrder.ZERO),
            new U("radians", Grad.IN, "Degrees to radians, element-wise.",
                    SecondOrder.ZERO),
            new U("sigmoid", Grad.OUT, "Logistic sigmoid 1/(1+exp(-x)), element-wise.",
                    (e, v) -> e.rminus(e.scale(v, 2), 1)),
            new U("relu", Grad.OUT, "Rectified linear unit max(x, 0), element-wise; NaN stays NaN.",
                    SecondOrder.ZERO),
            new U("softsign", Grad.IN, "x/(1+|x|), element-wise.",
                    (e, v) -> e.scale(e.mul(e.fn("sign", v), e.pow(e.plus(e.fn("abs", v), 1), -3)), -2)),
            new U("erf", Grad.IN, "Gauss error function, element-wise.",
                    (e, v) -> e.scale(e.mul(v, e.fn("exp", e.scale(e.fn("square", v), -1))), -4 / Math.sqrt(Math.PI))),
            new U("erfinv", Grad.OUT, "Inverse Gauss error function, element-wise; ±inf at ±1, NaN outside.",
                    (e, v) -> e.scale(e.mul(v, e.fn("exp", e.fn("square", v))), Math.sqrt(Math.PI))),
            new U("gamma", Grad.IN, "Gamma function, element-wise."),
            new U("gammaln", Grad.IN, "Natural logarithm of the absolute value of the gamma function, element-wise."),
            new U("floor", Grad.ZERO, "Largest integer not above x, element-wise."),
            new U("ceil", Grad.ZERO, "Smallest integer not below x, element-wise."),
            new U("round", Grad.ZERO, "Nearest integer, halves rounded away from zero, element-wise."),
            new U("rint", Grad.ZERO, "Nearest integer, element-wise; as MXNet, halves go to the lower neighbour (rint(-1.5) = -2, rint(1.5) = 1)."),
            new U("fix", Grad.ZERO, "Round toward zero to the nearest integer, element-wise."),
            new U("trunc", Grad.ZERO, "Integer part (round toward zero), element-wise."),
            new U("logical_not", Grad.ZERO, "Logical not: 1 where x == 0, else 0; keeps the dtype."));

    /** The second derivative of a unary operator of the table (for fused NN backward ops computing the same derivative). */
    static SecondDerivative secondDerivative(String name) {
        for (U u : TABLE) if (u.name.equals(name) && u.d2 != null) return u.d2;
        throw new IllegalArgumentException("no second derivative for " + name);
    }

    public static void register(OpRegistry r) {
        for (U u : TABLE) {
            OpDef.Builder b = unary(u.name).doc(u.doc);
            switch (u.grad) {
                case ZERO -> b.zeroGradient();
                case IN -> b.gradient(g -> List.of(g.op("_backward_" + u.name, g.outGrad(0), g.input(0))));
                case OUT -> b.gradient(g -> List.of(g.op("_backward_" + u.name, g.outGrad(0), g.output(0))));
            }
            b.register(r);
            if (u.grad != Grad.ZERO) {
                OpDef.Builder back = OpDef.builder("_backward_" + u.name).family("elemwise").backwardOf(u.name)
                        .doc("Gradient of " + u.name + ": ograd times its derivative, from the forward " + (u.grad == Grad.IN ? "input." : "output."))
                        .inputs("ograd", u.grad == Grad.IN ? "data" : "output")
                        .inferShape(ShapeRules.SAME).inferType(MathRules.SAME_NUMERIC).inplace(0, 0);
                if (u.d2 != null) back.gradient(SecondOrder.ofUnaryBackward("_backward_" + u.name, u.d2));
                back.register(r);
            }
        }
        unary("negative").doc("Numerical negative, element-wise: -x.")
                .gradient(g -> List.of(g.op("negative", g.outGrad(0)))).register(r);
        unary("exp").doc("Exponential, element-wise: e**x.")
                .gradient(g -> List.of(g.op("elemwise_mul", g.outGrad(0), g.output(0)))).register(r);
        OpDef.builder("_copy").alias("identity").family("elemwise").doc("Returns a copy of the input (any dtype).")
                .inplace(0, 0).gradient(g -> List.of(g.op("_copy", g.outGrad(0)))).register(r);
        registerCast(r);
    }

    private static OpDef.Builder unary(String name) {
        return OpDef.builder(name).family("elemwise").inputs("data").inferShape(ShapeRules.SAME).inferType(MathRules.SAME_NUMERIC).inplace(0, 0);
    }

    /**
     * Cast and its backward declare no in-place option although MXNet does: sharing memory is
     * only valid when both dtypes have the same width, which a static in-place hint cannot say.
     */
    private static void registerCast(OpRegistry r) {
        OpDef.builder("Cast").alias("cast").family("elemwise")
                .doc("Casts every element to dtype, as a C cast: floats to integers truncate toward zero, to bool test != 0.")
                .param(Param.dtypeParam("dtype").required().doc("Output data type."))
                .inferType((attrs, in, out) -> {
                    TypeRules.assign(attrs, out, 0, attrs.getDType("dtype"), "output 0");
                    return in[0] != null;
                })
                .gradient(g -> List.of(g.op("_backward_cast", g.outGrad(0), g.input(0))))
                .register(r);
        OpDef.builder("_backward_cast").family("elemwise").backwardOf("Cast")
                .doc("Gradient of Cast: ograd cast back to the dtype of the forward input.")
                .inputs("ograd", "data")
                .inferShape(ShapeRules.SAME)
                .inferType((attrs, in, out) -> {
                    TypeRules.assign(attrs, out, 0, in[1], "output 0");
                    return in[0] != null && in[1] != null;
                })
                // a cast of ograd: its gradient casts the head gradient back to ograd's dtype; data only gives the dtype
                .gradient(g -> List.of(g.op("_backward_cast", g.outGrad(0), g.input(0)), g.zerosLike(g.input(1))))
                .register(r);
    }
}
