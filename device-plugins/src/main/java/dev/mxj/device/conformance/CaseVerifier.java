package dev.mxj.device.conformance;

import dev.mxj.op.Attrs;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.OperatorException;
import dev.mxj.op.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Verifies an {@link OpCase} on one device: expected values (also with OpReq.ADD, which must
 * add the same result to existing outputs), expected errors, custom checks and the gradient.
 * Throws AssertionError with a message naming the case.
 */
public final class CaseVerifier {
    private final OpRunner runner;
    private final OpRegistry registry;

    public CaseVerifier(OpRunner runner) { this(runner, OpRegistry.global()); }

    public CaseVerifier(OpRunner runner, OpRegistry registry) {
        this.runner = runner;
        this.registry = registry;
    }

    public void verify(OpCase c) {
        if (c.kind() == OpCase.Kind.ERROR) {
            verifyError(c);
            return;
        }
        Attrs attrs = runner.attrs(c.op(), c.params(), c.inputs().size());
        if (c.checksOutputs()) {
            OpRunner.Result r = runner.run(attrs, c.inputs(), c.isTrain(), c.seed());
            compareExpected(c, r.outputs(), null);
            compareMutated(c, r);
            if (c.customCheck() != null) c.customCheck().check(c.inputs(), r.outputs());
            if (!c.expected().isEmpty() && !c.isDeviceDependent() && attrs.op().mutateInputs(attrs).length == 0) {
                // the same call accumulating into existing outputs (OpReq.ADD)
                SplittableRandom rng = new SplittableRandom(11);
                List<HostArray> init = new ArrayList<>();
                for (HostArray o : r.outputs()) {
                    init.add(o.dtype().isFloating() ? HostArray.random(o.shape(), o.dtype(), -2, 2, rng) : HostArray.random(o.shape(), o.dtype(), 0, 3, rng));
                }
                OpRunner.Result added = runner.run(attrs, c.inputs(), c.isTrain(), c.seed(), init);
                compareExpected(c, added.outputs(), init);
            }
        }
        if (c.isGradCheck()) new GradientChecker(runner, registry).check(c);
    }

    private void verifyError(OpCase c) {
        try {
            runner.run(c.op(), c.params(), c.inputs(), c.isTrain(), c.seed());
        } catch (OperatorException e) {
            if (c.errorType() != null && !c.errorType().isInstance(e)) {
                throw new AssertionError(c + ": expected " + c.errorType().getSimpleName() + " but got " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (!m.contains(c.op()) && !m.contains(registry.get(c.op()).name())) {
                throw new AssertionError(c + ": error message does not name the operator: " + m, e);
            }
            if (c.errorContains() != null && !m.contains(c.errorContains())) {
                throw new AssertionError(c + ": error message lacks '" + c.errorContains() + "': " + m, e);
            }
            return;
        }
        throw new AssertionError(c + ": expected an error, but the operator ran");
    }

    /** Compare outputs with the case's expectations; with {@code base}, outputs must equal base + expected. */
    private void compareExpected(OpCase c, List<HostArray> outs, List<HostArray> base) {
        List<HostArray> exp = c.expected();
        if (outs.size() < exp.size()) throw new AssertionError(c + ": expected " + exp.size() + " outputs, got " + outs.size());
        for (int k = 0; k < exp.size(); k++) {
            HostArray o = outs.get(k);
            Shape only = c.expectedShapeOnly(k);
            if (only != null) {
                if (!o.shape().equals(only)) throw new AssertionError(c + ": output " + k + " shape " + o.shape() + ", expected " + only);
                continue;
            }
            HostArray e = exp.get(k);
            if (!o.shape().equals(e.shape())) throw new AssertionError(c + ": output " + k + " shape " + o.shape() + ", expected " + e.shape());
            if (c.expectsDType(k) && o.dtype() != e.dtype()) throw new AssertionError(c + ": output " + k + " dtype " + o.dtype() + ", expected " + e.dtype());
            double[] want = e.data();
            if (base != null) {
                want = want.clone();
                double[] b = base.get(k).data();
                for (int j = 0; j < want.length; j++) want[j] = HostArray.quantize(o.dtype(), want[j] + b[j]);
            }
            assertClose(c + ": output " + k + (base != null ? " (OpReq.ADD)" : ""), o.data(), want, c.rtol(), c.atol());
        }
    }

    /** Compare the final values of mutated inputs with the case's expectations. */
    private static void compareMutated(OpCase c, OpRunner.Result r) {
        for (var e : c.expectedMutated().entrySet()) {
            int idx = e.getKey();
            HostArray got = r.mutated().get(idx);
            if (got == null) throw new AssertionError(c + ": input " + idx + " is not declared mutated by the operator");
            HostArray want = e.getValue().value();
            if (!got.shape().equals(want.shape())) throw new AssertionError(c + ": mutated input " + idx + " shape " + got.shape() + ", expected " + want.shape());
            if (e.getValue().checkDType() && got.dtype() != want.dtype()) {
                throw new AssertionError(c + ": mutated input " + idx + " dtype " + got.dtype() + ", expected " + want.dtype());
            }
            assertClose(c + ": mutated input " + idx, got.data(), want.data(), c.rtol(), c.atol());
        }
    }

    /** Element-wise closeness; NaN matches NaN and infinities must match exactly. */
    public static void assertClose(String what, double[] got, double[] want, double rtol, double atol) {
        if (got.length != want.length) throw new AssertionError(what + ": " + got.length + " values, expected " + want.length);
        for (int j = 0; j < got.length; j++) {
            double g = got[j], w = want[j];
            boolean ok = Double.isNaN(w) ? Double.isNaN(g) : Double.isInfinite(w) ? g == w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
            if (!ok) throw new AssertionError(what + ": element " + j + " is " + g + ", expected " + w + " (rtol " + rtol + ", atol " + atol + ")");
        }
    }
}
