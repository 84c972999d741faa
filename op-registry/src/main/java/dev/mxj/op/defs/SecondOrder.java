package dev.mxj.op.defs;

import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.NodeEntry;

import java.util.List;
import java.util.Map;

/**
 * Gradients of fused backward operators, so that create_graph can differentiate a gradient
 * again. They are built from differentiable operators only (the backward op itself among them),
 * which makes third and higher orders work too.
 */
final class SecondOrder {
    private SecondOrder() {}

    /**
     * The derivative of an operator's derivative, as a function of the value its backward op
     * reads (the forward input, or the output where the backward reads that); null where it is
     * zero. Taken with respect to that value: for a backward reading the output, the chain
     * through the forward op's own gradient supplies the rest, as in MXNet.
     */
    @FunctionalInterface
    interface SecondDerivative {
        NodeEntry of(Expr e, NodeEntry v);
    }

    /** For a piecewise-constant derivative (abs, relu, maximum, ...). */
    static final SecondDerivative ZERO = (e, v) -> null;

    /**
     * Terse node building for derivative tables. {@code broadcast} picks the broadcast_* form of
     * binary operators, so tensor operands of different shapes combine.
     */
    record Expr(GradContext g, boolean broadcast) {
        Expr(GradContext g) { this(g, false); }

        /** A parameter of the node being differentiated. */
        double attr(String name) { return g.attrs().getDouble(name); }

        /** A binary operator by its short name: mul, add, sub, div (elemwise_X), others _X, or broadcast_X. */
        NodeEntry bin(String name, NodeEntry a, NodeEntry b) {
            String op = broadcast ? "broadcast_" + name : List.of("add", "sub", "mul", "div").contains(name) ? "elemwise_" + name : "_" + name;
            return g.op(op, a, b);
        }

        NodeEntry mul(NodeEntry a, NodeEntry b) { return bin("mul", a, b); }
        NodeEntry div(NodeEntry a, NodeEntry b) { return bin("div", a, b); }
        NodeEntry scale(NodeEntry a, double s) { return g.op("_mul_scalar", Map.of("scalar", s), a); }
        NodeEntry plus(NodeEntry a, double s) { return g.op("_plus_scalar", Map.of("scalar", s), a); }
        /** s - a */
        NodeEntry rminus(NodeEntry a, double s) { return g.op("_rminus_scalar", Map.of("scalar", s), a); }
        NodeEntry pow(NodeEntry a, double p) { return g.op("_power_scalar", Map.of("scalar", p), a); }
        /** An operator taking one tensor and a scalar parameter ({@code _hypot_scalar}, {@code _lesser_equal_scalar}, ...). */
        NodeEntry withScalar(String op, NodeEntry a, double s) { return g.op(op, Map.of("scalar", s), a); }
        NodeEntry fn(String op, NodeEntry a) { return g.op(op, a); }
        NodeEntry constant(NodeEntry like, double c) { return c == 0 ? g.zerosLike(like) : scale(g.op("ones_like", like), c); }
    }

    /**
     * Gradient of a backward op {@code b(ograd, v) = ograd * f'(v)} (parameters as given to it):
     * towards ograd the same op on the new head gradient, towards v the head gradient times
     * ograd times {@code d2(v)}, or zeros where f' is piecewise constant.
     */
    static Gradient ofUnaryBackward(String backward, SecondDerivative d2) {
        return g -> {
            NodeEntry head = g.outGrad(0), og = g.input(0), v = g.input(1);
            NodeEntry dv = d2.of(new Expr(g), v);
            return List.of(g.op(backward, g.attrs().givenAsStrings(), head, v),
                    dv == null ? g.zerosLike(v) : g.op("elemwise_mul", g.op("elemwise_mul", head, og), dv));
        };
    }
}
