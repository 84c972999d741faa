package dev.mxj.autograd;

import dev.mxj.Context;
import dev.mxj.device.conformance.GraphEvaluator;
import dev.mxj.device.conformance.HostArray;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.device.conformance.cases.BuiltinCases;
import dev.mxj.ndarray.Imperative;
import dev.mxj.ndarray.NDArray;
import dev.mxj.ndarray.NDScope;
import dev.mxj.op.Attrs;
import dev.mxj.op.DType;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import dev.mxj.op.graph.Node;
import dev.mxj.op.graph.NodeEntry;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every gradient case of the conformance catalogue, run through autograd (record, backward,
 * compare with central differences) instead of the op-level checker, so the runtime's whole
 * path — tape, gradient pass, graph runner, gradient buffers — is verified for every operator.
 * Where the catalogue excludes every input from the numerical check (loss heads that ignore the
 * head gradient), backward must still run and give finite gradients. The last test walks the
 * registry: a differentiable operator that no case checked fails it.
 */
class OperatorGradientSuiteTest {
    private static final Context CPU = Context.cpu();
    private static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

    @TestFactory
    Stream<DynamicTest> everyGradientCaseThroughAutograd() {
        List<DynamicTest> tests = new ArrayList<>();
        for (OpCase c : BuiltinCases.all()) {
            if (c.kind() != OpCase.Kind.FORWARD || !c.isGradCheck()) continue;
            tests.add(DynamicTest.dynamicTest(c.toString(), () -> check(c)));
        }
        tests.add(DynamicTest.dynamicTest("every differentiable operator is checked through autograd", OperatorGradientSuiteTest::coverage));
        return tests.stream();
    }

    private static void check(OpCase c) {
        OpDef op = OpRegistry.global().get(c.op());
        try (NDScope scope = NDScope.open()) {
            boolean f64 = acceptsFloat64(c);
            List<NDArray> inputs = new ArrayList<>();
            Set<Integer> skip = new HashSet<>(c.noGrad());
            for (int i = 0; i < c.inputs().size(); i++) {
                HostArray h = c.inputs().get(i);
                DType t = f64 && h.dtype().isFloating() ? DType.FLOAT64 : h.dtype();
                inputs.add(NDArray.array(h.data(), h.shape(), t, CPU));
                if (!h.dtype().isFloating()) skip.add(i);
            }
            Attrs attrs = attrs(c);
            for (int m : op.mutateInputs(attrs)) skip.add(m);
            skip.addAll(declaredWithoutGradient(attrs));
            if (skip.size() == inputs.size()) {
                // The catalogue excludes every input (loss heads such as MakeLoss ignore the head gradient, so no
                // numerical check applies): run the autograd path anyway and require finite gradients of the right shape.
                if (!skip.equals(new HashSet<>(c.noGrad()))) return; // nothing differentiable here; another case covers the operator
                backwardRuns(c, inputs);
                CHECKED.add(op.name());
                return;
            }
            double rtol = c.gradRtol() > 0 ? c.gradRtol() : f64 ? 1e-4 : 5e-2;
            double atol = c.gradAtol() > 0 ? c.gradAtol() : f64 ? 1e-6 : 5e-3;
            GradientCheck gc = new GradientCheck(f64 ? 1e-6 : 1e-3, rtol, atol, c.isTrain(), c.seed());
            try {
                gc.check(in -> List.of(Imperative.invoke(c.op(), in.toArray(NDArray[]::new), c.params(), null)), inputs, skip);
            } catch (AssertionError e) {
                throw new AssertionError(c + ": " + e.getMessage() + " (skipped inputs " + skip + ")", e);
            }
            CHECKED.add(op.name());
        }
    }

    private static void backwardRuns(OpCase c, List<NDArray> inputs) {
        List<NDArray> vars = new ArrayList<>();
        for (NDArray a : inputs) if (a.dtype().isFloating()) vars.add(a.attachGrad());
        NDArray[] outs;
        try (var rec = Autograd.record(c.isTrain())) {
            outs = Imperative.invoke(c.op(), inputs.toArray(NDArray[]::new), c.params(), null);
        }
        Autograd.backward(List.of(outs), null, false, c.isTrain());
        for (NDArray v : vars) {
            for (double g : v.grad().toDoubleArray()) {
                if (!Double.isFinite(g)) throw new AssertionError(c + ": non-finite gradient through autograd");
            }
        }
    }

    private static Attrs attrs(OpCase c) {
        OpDef op = OpRegistry.global().get(c.op());
        Map<String, Object> p = new java.util.HashMap<>(c.params());
        if (op.keyVarNumArgs() != null) p.putIfAbsent(op.keyVarNumArgs(), c.inputs().size());
        return op.parseAttrs(p);
    }

    /** Inputs for which the operator's gradient declares no entry (indices): autograd gives them zeros, there is nothing to compare. */
    private static Set<Integer> declaredWithoutGradient(Attrs attrs) {
        OpDef op = attrs.op();
        List<NodeEntry> ins = new ArrayList<>();
        for (int i = 0; i < op.numInputs(attrs); i++) ins.add(Node.variable("in" + i).output(0));
        Node fwd = Node.op(attrs, "probe", ins);
        List<NodeEntry> heads = new ArrayList<>();
        for (int k = 0; k < fwd.numOutputs(); k++) heads.add(Node.variable("head" + k).output(0));
        List<NodeEntry> g = op.gradient().apply(GraphEvaluator.gradContext(fwd, heads, OpRegistry.global()));
        Set<Integer> none = new HashSet<>();
        for (int i = 0; i < g.size(); i++) if (g.get(i) == null) none.add(i);
        return none;
    }

    /** Whether the operator runs with its float inputs in float64 (tight tolerances), as the op-level checker decides. */
    private static boolean acceptsFloat64(OpCase c) {
        boolean any = false;
        for (HostArray h : c.inputs()) any |= h.dtype().isFloating();
        if (!any) return false;
        try (NDScope scope = NDScope.open()) {
            NDArray[] in = new NDArray[c.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                HostArray h = c.inputs().get(i);
                in[i] = NDArray.array(h.data(), h.shape(), h.dtype().isFloating() ? DType.FLOAT64 : h.dtype(), CPU);
            }
            for (NDArray o : Imperative.invoke(c.op(), in, c.params(), null)) o.waitToRead();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void coverage() {
        Set<String> missing = new TreeSet<>();
        for (OpDef op : OpRegistry.global().list()) {
            if (op.isDifferentiable() && op.backwardOf() == null && !CHECKED.contains(op.name())) missing.add(op.name());
        }
        if (!missing.isEmpty()) fail(missing.size() + " differentiable operators were not checked through autograd: " + missing);
    }
}
