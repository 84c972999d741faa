package dev.mxj.executor;

import dev.mxj.Context;
import dev.mxj.examples.SymbolNetworks;
import dev.mxj.ndarray.NDArray;
import dev.mxj.op.Shape;
import dev.mxj.op.defs.FusedOps;
import dev.mxj.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Element-wise fusion in the executor: fused and unfused executors give the same bits (forward
 * outputs and gradients, write and add) on random inputs; values read twice are not fused away;
 * dropped intermediates take no memory; a monitor still sees every node; reshape keeps fusing.
 */
class FusionTest {
    private static final Executor.Options FUSED = Executor.Options.DEFAULT.withFusion(true), UNFUSED = Executor.Options.DEFAULT.withFusion(false);

    /** Chains of element-wise nodes, one value ("shared") read by two of them, and a heavy op in the middle. */
    static Symbol chains() {
        Symbol x = Symbol.var("x"), w = Symbol.var("w");
        Symbol a = Symbol.create("_mul_scalar", "a", Map.of("scalar", 2.0), Symbol.create("_plus_scalar", "a0", Map.of("scalar", 0.5), x.mul(w)));
        Symbol b = Symbol.create("Activation", "b", Map.of("act_type", "sigmoid"), Symbol.create("relu", "b0", Map.of(), a));
        Symbol shared = Symbol.create("tanh", "shared", Map.of(), x.sub(w));
        Symbol c = Symbol.create("_rminus_scalar", "c", Map.of("scalar", 1.0), Symbol.create("square", "c0", Map.of(), shared));
        Symbol d = Symbol.create("exp", "d", Map.of(), Symbol.create("negative", "d0", Map.of(), shared));
        Symbol fc = Symbol.create("FullyConnected", "fc", Map.of("num_hidden", 5, "no_bias", true), b.mul(c).add(d));
        Symbol e = Symbol.create("Activation", "e", Map.of("act_type", "tanh"), Symbol.create("_div_scalar", "e0", Map.of("scalar", 3.0), fc));
        return Symbol.create("sum", "loss", Map.of(), e.mul(e));
    }

    @Test
    void fusedAndUnfusedGiveTheSameBits() {
        compare(chains(), Map.of("x", Shape.of(6, 5), "w", Shape.of(6, 5)), "write", 2);
        compare(chains(), Map.of("x", Shape.of(6, 5), "w", Shape.of(6, 5)), "add", 2);
        compare(chains(), Map.of("x", Shape.of(6, 5), "w", Shape.of(6, 5)), "null", 1);
        compare(SymbolNetworks.mlp(10, 64, 32), Map.of("data", Shape.of(8, 50)), "write", 2);
        compare(SymbolNetworks.lenet(10), Map.of("data", Shape.of(2, 1, 28, 28)), "write", 1);
        // larger than one block per thread: exercises the parallel split and the short last block
        compare(chains(), Map.of("x", Shape.of(300, 250), "w", Shape.of(300, 250)), "write", 1);
    }

    @Test
    void chainsFuseButValuesReadTwiceStay() {
        try (Executor ex = chains().simpleBind(Context.cpu(), "null", Map.of("x", Shape.of(4, 5), "w", Shape.of(4, 5)))) {
            Fusion.Result f = ex.bound.fusion;
            assertTrue(f.groups().size() >= 2, ex.debugStr());
            assertEquals(-1, f.absorbedInto()[ex.graph.nodeId(node(ex, "shared"))], "shared is read by two nodes: " + ex.debugStr());
            assertNotEquals(-1, f.absorbedInto()[ex.graph.nodeId(node(ex, "a0"))], ex.debugStr());
            assertNotEquals(-1, f.absorbedInto()[ex.graph.nodeId(node(ex, "b0"))], ex.debugStr());
            assertTrue(ex.debugStr().contains(FusedOps.NAME), ex.debugStr());
            Executor.MemoryStats s = ex.memoryStats();
            long absorbed = 0;
            for (int i = 0; i < ex.graph.numNodes(); i++) if (f.absorbed(i)) absorbed += 4 * 5 * 4;
            assertEquals(absorbed, s.fusedAwayBytes(), s.toString());
            assertEquals(f.groups().size(), s.fusedNodes());
            assertTrue(s.absorbedNodes() >= 4, s.toString());
        }
    }

    @Test
    void droppedIntermediatesAreNotAllocated() {
        Map<String, Shape> shapes = Map.of("x", Shape.of(64, 64), "w", Shape.of(64, 64));
        try (Executor f = Executor.simpleBind(chains(), Context.cpu(), "null", null, null, shapes, FUSED.withFusion(true));
             Executor u = Executor.simpleBind(chains(), Context.cpu(), "null", null, null, shapes, new Executor.Options(false, false, true, Map.of()));
             Executor plain = Executor.simpleBind(chains(), Context.cpu(), "null", null, null, shapes, Executor.Options.UNPLANNED)) {
            // unplanned but fused: every remaining entry has its own buffer, so the difference is exactly what fusion dropped
            assertEquals(plain.memoryStats().plannedBytes() - u.memoryStats().fusedAwayBytes(), u.memoryStats().plannedBytes());
            assertTrue(f.memoryStats().plannedBytes() <= u.memoryStats().plannedBytes());
            assertEquals(plain.memoryStats().unplannedBytes(), f.memoryStats().unplannedBytes(), "unplanned counts the unfused graph");
        }
    }

    @Test
    void monitorSeesEveryNodeOfAFusedExecutor() {
        Map<String, Shape> shapes = Map.of("x", Shape.of(3, 5), "w", Shape.of(3, 5));
        Symbol net = chains(); // one symbol for both, so that automatic node names agree
        try (Executor f = Executor.simpleBind(net, Context.cpu(), "write", null, null, shapes, FUSED);
             Executor u = Executor.simpleBind(net, Context.cpu(), "write", null, null, shapes, UNFUSED)) {
            assertTrue(f.memoryStats().fusedNodes() > 0);
            fill(new Random(3), f, u);
            Map<String, float[]> seenF = new LinkedHashMap<>(), seenU = new LinkedHashMap<>();
            f.setMonitorCallback((n, a) -> seenF.put(n, a.toFloatArray()), true);
            u.setMonitorCallback((n, a) -> seenU.put(n, a.toFloatArray()), true);
            for (Executor ex : List.of(f, u)) {
                ex.forward(true);
                ex.backward();
            }
            assertEquals(seenU.keySet(), seenF.keySet());
            assertTrue(seenF.containsKey("a0_output") && seenF.containsKey("b0_output"), seenF.keySet().toString());
            // outputs, read as each node is pushed; an input may already be overwritten by its in-place reader in the unfused plan
            for (String k : seenU.keySet()) if (k.endsWith("_output")) assertArrayEquals(seenU.get(k), seenF.get(k), 0f, k);
            // without the monitor the fused operations run again, and give the same
            f.setMonitorCallback(null, false);
            fill(new Random(4), f, u);
            same(f, u, 1);
        }
    }

    @Test
    void reshapedExecutorsFuseToo() {
        Map<String, Shape> shapes = Map.of("x", Shape.of(4, 5), "w", Shape.of(4, 5));
        try (Executor f = Executor.simpleBind(chains(), Context.cpu(), "write", null, null, shapes, FUSED);
             Executor u = Executor.simpleBind(chains(), Context.cpu(), "write", null, null, shapes, UNFUSED);
             Executor fr = f.reshape(false, true, Map.of("x", Shape.of(7, 5), "w", Shape.of(7, 5)));
             Executor ur = u.reshape(false, true, Map.of("x", Shape.of(7, 5), "w", Shape.of(7, 5)))) {
            assertTrue(fr.memoryStats().fusedNodes() > 0);
            fill(new Random(5), fr, ur);
            same(fr, ur, 2);
        }
    }

    private static dev.mxj.op.graph.Node node(Executor ex, String name) {
        for (var n : ex.graph.nodes()) if (n.name().equals(name)) return n;
        throw new AssertionError("no node " + name);
    }

    private static void compare(Symbol net, Map<String, Shape> shapes, String req, int steps) {
        try (Executor f = Executor.simpleBind(net, Context.cpu(), req, null, null, shapes, FUSED);
             Executor u = Executor.simpleBind(net, Context.cpu(), req, null, null, shapes, UNFUSED)) {
            Random rnd = new Random(11);
            for (int step = 0; step < steps; step++) {
                fill(rnd, f, u);
                same(f, u, step);
            }
        }
    }

    private static void fill(Random rnd, Executor f, Executor u) {
        for (var e : f.argDict().entrySet()) {
            float[] v = new float[(int) e.getValue().size()];
            for (int i = 0; i < v.length; i++) v[i] = e.getKey().endsWith("label") ? rnd.nextInt(10) : (float) rnd.nextGaussian();
            e.getValue().set(v);
            u.argDict().get(e.getKey()).set(v);
        }
    }

    /** Forward (and backward when there are gradients) on both, then every output and gradient compared bit for bit. */
    private static void same(Executor f, Executor u, int step) {
        boolean train = f.gradDict().values().stream().anyMatch(java.util.Objects::nonNull);
        for (Executor ex : List.of(f, u)) {
            ex.forward(train);
            if (train) ex.backward();
        }
        List<String> what = new ArrayList<>();
        for (int i = 0; i < f.outputs().size(); i++) {
            assertArrayEquals(u.outputs().get(i).toFloatArray(), f.outputs().get(i).toFloatArray(), 0f, "output " + i + " step " + step);
            what.add("output " + i);
        }
        for (var e : f.gradDict().entrySet()) {
            NDArray g = e.getValue();
            if (g == null) continue;
            assertArrayEquals(u.gradDict().get(e.getKey()).toFloatArray(), g.toFloatArray(), 0f, "gradient of " + e.getKey() + " step " + step);
        }
    }
}
