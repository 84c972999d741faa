package dev.mxj.cpu;

import dev.mxj.device.Device;
import dev.mxj.device.conformance.CaseVerifier;
import dev.mxj.device.conformance.OpCase;
import dev.mxj.device.conformance.OpRunner;
import dev.mxj.device.conformance.cases.BuiltinCases;
import dev.mxj.op.OpDef;
import dev.mxj.op.OpRegistry;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every catalogued operator case on the CPU plugin, and the registry walk: an operator without
 * a forward case, an error case, a CPU kernel, or (if differentiable) a gradient check fails here,
 * so the registry cannot grow untested.
 */
class OperatorSuiteTest {
    private static final Device CPU = new CpuPlugin().open(0);
    private static final List<OpCase> CASES = BuiltinCases.all();

    @TestFactory
    Stream<DynamicTest> everyCase() {
        CaseVerifier v = new CaseVerifier(new OpRunner(CPU));
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> v.verify(c)));
    }

    @Test
    void everyOperatorIsTested() {
        OpRegistry reg = OpRegistry.global();
        Set<String> forward = new HashSet<>(), error = new HashSet<>(), grad = new HashSet<>();
        for (OpCase c : CASES) {
            String name = reg.get(c.op()).name();
            if (c.kind() == OpCase.Kind.ERROR) error.add(name);
            else {
                if (c.checksOutputs()) forward.add(name);
                if (c.isGradCheck()) grad.add(name);
            }
        }
        List<String> problems = new ArrayList<>();
        for (OpDef op : reg.list()) {
            String n = op.name();
            if (!CPU.kernels().has(n)) problems.add(n + ": no CPU kernel");
            if (op.backwardOf() != null) {
                // checked through the forward operator's gradient check
                if (!grad.contains(op.backwardOf())) problems.add(n + ": its forward op " + op.backwardOf() + " has no gradient check");
                // a differentiable backward op (higher-order gradients) is checked itself
                if (op.isDifferentiable() && !grad.contains(n)) problems.add(n + ": differentiable but no gradient check");
                continue;
            }
            if (!forward.contains(n)) problems.add(n + ": no forward case with expected outputs");
            if (!error.contains(n)) problems.add(n + ": no error case (bad shape or parameter)");
            if (op.isDifferentiable() && !grad.contains(n)) problems.add(n + ": differentiable but no gradient check");
        }
        if (!problems.isEmpty()) fail(problems.size() + " operators lack tests:\n  " + String.join("\n  ", problems));
    }

    @Test
    void everyCaseNamesARegisteredOperatorWithAKernel() {
        Set<String> unknown = new TreeSet<>();
        for (OpCase c : CASES) {
            OpDef d = OpRegistry.global().find(c.op());
            if (d == null || !CPU.kernels().has(d.name())) unknown.add(c.op());
        }
        assertEquals(Set.of(), unknown);
    }
}
