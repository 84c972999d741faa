package dev.mxj.op.defs;

import dev.mxj.op.graph.GradContext;
import dev.mxj.op.graph.Gradient;
import dev.mxj.op.graph.NodeEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
        return ofElementwiseBackward(backward, new Factor(1, d2));
    }

    /** An input of an element-wise backward op and the derivative of its factor w with respect to that input. */
    record Factor(int input, SecondDerivative d) {}

    /**
     * Gradient of an element-wise backward op {@code b(ograd, v1, v2, ...) = ograd * w(v1, v2, ...)}:
     * towards ograd the same op on the new head gradient; towards each listed input the head
     * gradient times ograd times dw/dv; zeros towards the other inputs.
     */
    static Gradient ofElementwiseBackward(String backward, Factor... factors) {
        return g -> {
            NodeEntry head = g.outGrad(0), og = g.input(0);
            NodeEntry[] ins = inputsWith(g, 0, head);
            NodeEntry[] dw = new NodeEntry[ins.length];
            for (Factor f : factors) dw[f.input] = f.d.of(new Expr(g), g.input(f.input));
            List<NodeEntry> r = new ArrayList<>(List.of(g.op(backward, g.attrs().givenAsStrings(), ins)));
            for (int i = 1; i < ins.length; i++) {
                r.add(dw[i] == null ? g.zerosLike(g.input(i)) : g.op("elemwise_mul", g.op("elemwise_mul", head, og), dw[i]));
            }
            return r;
        };
    }

    /**
     * Gradient of the backward of a bilinear operator f(a, b) (dot, FullyConnected, Convolution,
     * Deconvolution, bilinear UpSampling): (og, a, b[, bias]) -> (da, db[, dbias]), the bias input
     * only a shape donor. Under heads (ha, hb[, hbias]) og gets f(ha, b[, hbias]) + f(a, hb), a gets
     * da with hb in place of b, b gets db with ha in place of a.
     */
    static Gradient ofBilinearBackward(String forward, String backward) {
        return g -> {
            Map<String, String> p = g.attrs().givenAsStrings();
            NodeEntry og = g.input(0), a = g.input(1), b = g.input(2), ha = g.outGrad(0), hb = g.outGrad(1);
            boolean bias = g.node().numOutputs() > 2;
            Map<String, String> noBias = new HashMap<>(p);
            if (bias) noBias.put("no_bias", "True");
            NodeEntry withA = bias ? g.op(forward, p, ha, b, g.outGrad(2)) : g.op(forward, p, ha, b);
            NodeEntry[] withHb = inputsWith(g, 2, hb), withHa = inputsWith(g, 1, ha);
            List<NodeEntry> r = new ArrayList<>(List.of(g.op("elemwise_add", withA, g.op(forward, noBias, a, hb)),
                    g.node(backward, p, withHb).output(0), g.node(backward, p, withHa).output(1)));
            for (int i = 3; i < g.numInputs(); i++) r.add(g.zerosLike(g.input(i)));
            return r;
        };
    }

    /** The node's inputs with input {@code i} replaced. */
    static NodeEntry[] inputsWith(GradContext g, int i, NodeEntry e) {
        NodeEntry[] ins = new NodeEntry[g.numInputs()];
        for (int k = 0; k < ins.length; k++) ins[k] = g.input(k);
        ins[i] = e;
        return ins;
    }

    /**
     * Gradient of the backward of a linear operator (slice, tile, Pad, take, Concat, ...): that
     * backward is the operator's transpose, so towards ograd its gradient is the forward op on the
     * head gradient ({@code forward} builds it); the inputs listed in {@code indices} (indices,
     * lengths, conditions) get none, the others (shape donors) zeros.
     */
    static Gradient ofLinearBackward(Function<GradContext, NodeEntry> forward, int... indices) {
        return g -> {
            List<NodeEntry> r = new ArrayList<>(List.of(forward.apply(g)));
            for (int i = 1; i < g.numInputs(); i++) {
                int k = i;
                r.add(Arrays.stream(indices).anyMatch(j -> j == k) ? null : g.zerosLike(g.input(i)));
            }
            return r;
        };
    }

    /** {@link #ofLinearBackward} with the forward op {@code forward} on the head gradient alone, parameters as the backward's. */
    static Gradient ofLinearBackward(String forward) {
        return ofLinearBackward(g -> g.op(forward, g.attrs().givenAsStrings(), g.outGrad(0)));
    }
}
