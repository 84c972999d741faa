package dev.mxj.device.conformance;

import dev.mxj.device.Elements;
import dev.mxj.device.Kernel;
import dev.mxj.device.KernelTable;
import dev.mxj.device.OpReq;
import dev.mxj.device.Tensor;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.Param;
import dev.mxj.op.ParameterException;
import dev.mxj.op.Shape;
import dev.mxj.op.ShapeException;
import dev.mxj.op.graph.NodeEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit must pass correct operators and catch wrong values, wrong gradients, wrong ADD handling and missing errors. */
class KitSelfTest {
    /** y = x * x * scale, with a correct or deliberately wrong gradient. */
    private static OpRegistry registry(boolean wrongGradient) {
        OpRegistry r = new OpRegistry();
        OpDef.builder("t_square").param(Param.floatParam("scale").defaultValue(1.0))
                .gradient(g -> {
                    // d/dx = 2 * scale * x  (wrong: scale * x)
                    NodeEntry twoX = g.op("t_mul", g.input(0), g.input(0));
                    NodeEntry d = wrongGradient ? g.input(0) : g.op("t_add", g.input(0), g.input(0));
                    NodeEntry scaled = g.op("t_scale", Map.of("scale", g.attrs().getDouble("scale")), d);
                    return List.of(g.op("t_mul", scaled, g.outGrad(0)));
                }).register(r);
        OpDef.builder("t_mul").inputs("lhs", "rhs").zeroGradient().register(r);
        OpDef.builder("t_add").inputs("lhs", "rhs").zeroGradient().register(r);
        OpDef.builder("t_scale").param(Param.floatParam("scale").required()).zeroGradient().register(r);
        OpDef.builder("t_needs_scalar").inputs("data").inferShape((a, in, out) -> {
            if (in[0] != null && in[0].isKnown() && in[0].ndim() != 0) throw new ShapeException("Operator t_needs_scalar: expected a scalar, got " + in[0]);
            out[0] = Shape.scalar();
            return in[0] != null;
        }).zeroGradient().register(r);
        OpDef.builder("t_accumulate").inputs("data", "state").mutateInputs(1).zeroGradient().register(r);
        return r;
    }

    /** out = data; state += data (a mutated input, like an optimizer state). */
    private static void accumulate(dev.mxj.device.OpContext ctx, dev.mxj.op.Attrs a, Tensor[] in, OpReq[] req, Tensor[] out) {
        for (long i = 0; i < in[0].size(); i++) {
            double x = Elements.get(in[0].segment(), in[0].dtype(), i);
            Elements.set(out[0].segment(), out[0].dtype(), i, x);
            Elements.set(in[1].segment(), in[1].dtype(), i, Elements.get(in[1].segment(), in[1].dtype(), i) + x);
        }
    }

    private static Kernel map(java.util.function.DoubleUnaryOperator f, boolean ignoreAdd) {
        return (ctx, attrs, in, req, out) -> {
            var x = in[0].segment();
            var y = out[0].segment();
            DType t = out[0].dtype();
            double s = attrs.values().containsKey("scale") ? attrs.getDouble("scale") : 1;
            for (long i = 0; i < out[0].size(); i++) {
                double v = f.applyAsDouble(Elements.get(x, in[0].dtype(), i)) * s;
                if (req[0] == OpReq.ADD && !ignoreAdd) v += Elements.get(y, t, i);
                Elements.set(y, t, i, v);
            }
        };
    }

    private static Kernel zip(DoubleBinaryOperator f) {
        return (ctx, attrs, in, req, out) -> {
            Tensor o = out[0];
            for (long i = 0; i < o.size(); i++) {
                double v = f.applyAsDouble(Elements.get(in[0].segment(), in[0].dtype(), i), Elements.get(in[1].segment(), in[1].dtype(), i));
                if (req[0] == OpReq.ADD) v += Elements.get(o.segment(), o.dtype(), i);
                Elements.set(o.segment(), o.dtype(), i, v);
            }
        };
    }

    private static TestHostDevice device(boolean ignoreAdd) {
        KernelTable t = new KernelTable();
        t.add("t_square", map(x -> x * x, ignoreAdd));
        t.add("t_mul", zip((a, b) -> a * b));
        t.add("t_add", zip(Double::sum));
        t.add("t_scale", map(x -> x, false));
        t.add("t_needs_scalar", map(x -> x, false));
        t.add("t_accumulate", KitSelfTest::accumulate);
        return new TestHostDevice(t);
    }

    private static CaseVerifier verifier(boolean wrongGradient, boolean ignoreAdd) {
        OpRegistry r = registry(wrongGradient);
        return new CaseVerifier(new OpRunner(device(ignoreAdd), r), r);
    }

    private static OpCase valueCase() {
        return OpCase.forward("t_square").param("scale", 2).input(Shape.of(3), 1, -2, 0.5).expectValues(Shape.of(3), 2, 8, 0.5);
    }

    @Test void correctOperatorPasses() {
        CaseVerifier v = verifier(false, false);
        v.verify(valueCase());
        v.verify(OpCase.forward("t_square").param("scale", 3).randomInput(2, 3).gradCheck());
        v.verify(OpCase.error("t_square").randomInput(2).param("scael", 1).fails(ParameterException.class, "scael"));
        v.verify(OpCase.error("t_needs_scalar").randomInput(2).fails(ShapeException.class, "scalar"));
    }

    @Test void wrongValuesFail() {
        AssertionError e = assertThrows(AssertionError.class, () -> verifier(false, false).verify(
                OpCase.forward("t_square").input(Shape.of(2), 1, 2).expectValues(Shape.of(2), 1, 5)));
        assertTrue(e.getMessage().contains("element 1"), e.getMessage());
    }

    @Test void wrongGradientFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> verifier(true, false).verify(
                OpCase.forward("t_square").randomInput(4).gradCheck()));
        assertTrue(e.getMessage().contains("gradient of input 0"), e.getMessage());
    }

    @Test void kernelIgnoringAddFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> verifier(false, true).verify(valueCase()));
        assertTrue(e.getMessage().contains("OpReq.ADD"), e.getMessage());
    }

    @Test void missingErrorFails() {
        assertThrows(AssertionError.class, () -> verifier(false, false).verify(OpCase.error("t_square").randomInput(2)));
    }

    @Test void mutatedInputsAreChecked() {
        OpCase ok = OpCase.forward("t_accumulate").input(Shape.of(2), 1, 2).input(Shape.of(2), 10, 20)
                .expectValues(Shape.of(2), 1, 2).expectMutatedValues(1, Shape.of(2), 11, 22);
        verifier(false, false).verify(ok);
        AssertionError e = assertThrows(AssertionError.class, () -> verifier(false, false).verify(
                OpCase.forward("t_accumulate").input(Shape.of(2), 1, 2).input(Shape.of(2), 10, 20).expectMutatedValues(1, Shape.of(2), 11, 23)));
        assertTrue(e.getMessage().contains("mutated input 1"), e.getMessage());
        e = assertThrows(AssertionError.class, () -> verifier(false, false).verify(
                OpCase.forward("t_accumulate").input(Shape.of(2), 1, 2).input(Shape.of(2), 10, 20).expectMutatedValues(0, Shape.of(2), 1, 2)));
        assertTrue(e.getMessage().contains("not declared mutated"), e.getMessage());
    }

    @Test void runnerReleasesEveryBuffer() {
        TestHostDevice d = device(false);
        OpRegistry r = registry(false);
        new CaseVerifier(new OpRunner(d, r), r).verify(OpCase.forward("t_square").randomInput(3).gradCheck());
        assertEquals(0, d.live.get());
    }
}
