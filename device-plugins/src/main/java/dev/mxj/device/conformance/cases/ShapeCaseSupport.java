package dev.mxj.device.conformance.cases;

import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Compact case builders for the shape, indexing, sort and random catalogues. Parameters are
 * written as MXNet strings, "key=value; key=value", exactly as symbol JSON stores them.
 */
final class ShapeCaseSupport {
    private ShapeCaseSupport() {}

    /** A forward case with parameters "k=v; k=v" and the given inputs. */
    static OpCase fwd(String op, String params, HostArray... inputs) {
        return withInputs(params(OpCase.forward(op), params), inputs);
    }

    /** An error case whose message must contain {@code contains}. */
    static OpCase err(String op, String params, Class<? extends OperatorException> type, String contains, HostArray... inputs) {
        return withInputs(params(OpCase.error(op), params), inputs).fails(type, contains);
    }

    /** A gradient check on random float inputs of the given shapes. */
    static OpCase grad(String op, String params, long[]... shapes) {
        OpCase c = params(OpCase.forward(op), params);
        for (long[] s : shapes) c.randomInput(s);
        return c.gradCheck();
    }

    static OpCase params(OpCase c, String params) {
        if (params == null || params.isBlank()) return c;
        for (String kv : params.split(";")) {
            int eq = kv.indexOf('=');
            c.param(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return c;
    }

    private static OpCase withInputs(OpCase c, HostArray... inputs) {
        for (HostArray h : inputs) c.input(h);
        return c;
    }

    static long[] dims(long... d) { return d; }

    /** float32 array of the given shape holding 0, 1, 2, ... */
    static HostArray seq(long... dims) { return seq(DType.FLOAT32, dims); }

    static HostArray seq(DType t, long... dims) {
        Shape s = Shape.of(dims);
        return HostArray.of(s, t, range(Math.toIntExact(s.size())));
    }

    static double[] range(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    static HostArray f32(long[] dims, double... v) { return HostArray.f32(Shape.of(dims), v); }

    static HostArray arr(DType t, long[] dims, double... v) { return HostArray.of(Shape.of(dims), t, v); }

    /**
     * A gradient check of the fused backward {@code _backward_<op>} of a forward gradient case
     * (what create_graph differentiates): ograd shaped like the forward output (by shape
     * inference), the forward inputs, then {@code extra}, with the same parameters.
     */
    static OpCase secondOrder(OpCase forward, HostArray... extra) {
        OpDef op = OpRegistry.global().get(forward.op());
        Map<String, Object> p = new HashMap<>(forward.params());
        if (op.keyVarNumArgs() != null) p.putIfAbsent(op.keyVarNumArgs(), forward.inputs().size());
        Shape[] in = forward.inputs().stream().map(HostArray::shape).toArray(Shape[]::new);
        Shape out = op.inferOutputShapes(op.parseAttrs(p), in)[0];
        OpCase k = OpCase.forward("_backward_" + op.name()).params(p).randomInput(out, DType.FLOAT32, -1, 1);
        for (HostArray h : forward.inputs()) k.input(h);
        for (HostArray h : extra) k.input(h);
        return k.gradCheck().label("second order");
    }

    /** Random float32 values, distinct with overwhelming probability (sort gradients need no ties). */
    static HostArray random(long seed, long... dims) {
        return HostArray.random(Shape.of(dims), DType.FLOAT32, -1, 1, new SplittableRandom(seed));
    }
}
